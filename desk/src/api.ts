import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { savedAnswer, saveAnswer } from './cache';
import { markOffline, markOnline } from './connection';
import { request, RequestFailure, Variables } from './graphql';
import { session, signOut } from './session';

/** Sends an operation as the signed-in reviewer; keeps the link indicator and the session up to date. */
export async function send<T = any>(operationName: string, variables: Variables = {}): Promise<T> {
  try {
    const data = await request<T>(operationName, variables, session.get()?.token);
    markOnline();
    return data;
  } catch (error) {
    if (error instanceof RequestFailure) {
      if (error.kind === 'network') markOffline();
      else markOnline();
      if (error.code === 'UNAUTHENTICATED') signOut();
    }
    throw error;
  }
}

export interface Answer<T> {
  data?: T;
  /** For a read given a `start`: the cursor to follow the event's activity from, seen before the data was read. */
  after?: string | null;
  error?: RequestFailure;
  /** When the answer shown was saved, if it is a saved copy because the link is down. */
  savedAt?: number;
}

/**
 * Reads an operation, and saves the answer in IndexedDB; when the link is down, the saved
 * answer is shown instead, so what was last seen stays readable offline. A view that follows its
 * event live passes `start`, which gives a cursor seen before the read (see live.ts): it is saved
 * with the answer, so that a saved copy is followed from where it was read.
 */
export async function read<T = any>(operationName: string, variables: Variables, start?: () => Promise<string | null>): Promise<Answer<T>> {
  const key = `${session.get()?.viewer.id}:${operationName}:${JSON.stringify(variables)}`;
  try {
    const after = start ? await start() : undefined;
    const data = await send<T>(operationName, variables);
    // Saved before it is shown: what the reviewer saw is there to read after a reload offline.
    await saveAnswer(key, data, after);
    return { data, after };
  } catch (error) {
    if (!(error instanceof RequestFailure)) throw error;
    const saved = error.retryable ? await savedAnswer<T>(key) : undefined;
    return saved ? { data: saved.data, after: saved.after, savedAt: saved.savedAt } : { error };
  }
}

/**
 * A read for a view: its answer, a way to read again, and a way to change the data in place.
 * `reads` counts the reads whose answer was shown; an answer that comes back after a later
 * read's is dropped, so the view never goes back to older data.
 */
export function useRead<T = any>(operationName: string, variables: Variables, start?: () => Promise<string | null>) {
  const key = JSON.stringify(variables);
  const [answer, setAnswer] = useState<Answer<T> & { loading: boolean; reads: number }>({ loading: true, reads: 0 });
  const sent = useRef(0);
  const starting = useRef(start);
  starting.current = start;
  const reload = useCallback(async () => {
    const number = ++sent.current;
    const next = await read<T>(operationName, JSON.parse(key), starting.current);
    if (number === sent.current) setAnswer((old) => ({ ...next, loading: false, reads: old.reads + 1 }));
  }, [operationName, key]);
  useEffect(() => {
    setAnswer((old) => ({ loading: true, reads: old.reads }));
    void reload();
  }, [reload]);
  const change = useCallback((edit: (data: T) => T) => setAnswer((old) => (old.data ? { ...old, data: edit(old.data) } : old)), []);
  return { ...answer, reload, change };
}
