import { createStore, get, set, update } from 'idb-keyval';

/** The desk's IndexedDB store: the last answers read, and the outbox. */
export const store = createStore('verification-desk', 'kv');

export interface Saved<T> {
  data: T;
  /** The activity cursor the answer is followed from (see api.ts, read). */
  after?: string | null;
  savedAt: number;
}

export function saveAnswer<T>(key: string, data: T, after?: string | null): Promise<void> {
  return set(`answer:${key}`, { data, after, savedAt: Date.now() } satisfies Saved<T>, store);
}

export function savedAnswer<T>(key: string): Promise<Saved<T> | undefined> {
  return get(`answer:${key}`, store);
}

export function readStored<T>(key: string): Promise<T | undefined> {
  return get(key, store);
}

export function updateStored<T>(key: string, change: (old: T | undefined) => T): Promise<void> {
  return update(key, change, store);
}
