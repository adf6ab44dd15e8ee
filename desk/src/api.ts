import { useCallback, useEffect, useState } from 'preact/hooks';
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
  error?: RequestFailure;
  /** When the answer shown was saved, if it is a saved copy because the link is down. */
  savedAt?: number;
}

/**
 * Reads an operation, and saves the answer in IndexedDB; when the link is down, the saved
 * answer is shown instead, so what was last seen stays readable offline.
 */
export async function read<T = any>(operationName: string, variables: Variables): Promise<Answer<T>> {
  const key = `${session.get()?.viewer.id}:${operationName}:${JSON.stringify(variables)}`;
  try {
    const data = await send<T>(operationName, variables);
    // Saved before it is shown: what the reviewer saw is there to read after a reload offline.
    await saveAnswer(key, data);
    return { data };
  } catch (error) {
    if (!(error instanceof RequestFailure)) throw error;
    const saved = error.retryable ? await savedAnswer<T>(key) : undefined;
    return saved ? { data: saved.data, savedAt: saved.savedAt } : { error };
  }
}

/** A read for a view: its answer, a way to read again, and a way to change the data in place. */
export function useRead<T = any>(operationName: string, variables: Variables) {
  const key = JSON.stringify(variables);
  const [answer, setAnswer] = useState<Answer<T> & { loading: boolean }>({ loading: true });
  const reload = useCallback(async () => {
    const next = await read<T>(operationName, JSON.parse(key));
    setAnswer({ ...next, loading: false });
  }, [operationName, key]);
  useEffect(() => {
    setAnswer({ loading: true });
    void reload();
  }, [reload]);
  const change = useCallback((edit: (data: T) => T) => setAnswer((old) => (old.data ? { ...old, data: edit(old.data) } : old)), []);
  return { ...answer, reload, change };
}
