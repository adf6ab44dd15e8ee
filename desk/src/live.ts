import { Client, createClient } from 'graphql-ws';
import { markOnline } from './connection';
import { document } from './graphql';
import { session } from './session';

export interface ActivityEntry {
  cursor: string;
  type: string;
  at: string;
  claim: { id: string } | null;
  actor: { id: string } | null;
  verdict: { status: string; rating: string | null; version: number } | null;
}

let client: Client | undefined;
let clientToken: string | undefined;

function liveClient(): Client {
  const token = session.get()?.token;
  if (!client || clientToken !== token) {
    void client?.dispose();
    clientToken = token;
    client = createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      // Reconnecting is done below, one subscription at a time, each from the last cursor seen.
      retryAttempts: 0,
      on: { connected: markOnline },
    });
  }
  return client;
}

/**
 * Follows an event's activity subscription from `after` (null: from now on), calling `onEntry`
 * for each entry. When the link drops, it subscribes again from the last cursor it saw, so that
 * nothing is missed and nothing is read twice. Returns a function that stops following.
 */
export function followActivity(eventId: string, after: string | null, onEntry: (entry: ActivityEntry) => void): () => void {
  let cursor = after;
  let stopped = false;
  let stopCurrent: (() => void) | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = 1_000;

  const start = () => {
    clearTimeout(timer);
    stopCurrent?.();
    if (stopped) return;
    let current = true;
    const ended = () => {
      if (!current || stopped) return;
      current = false;
      timer = setTimeout(start, delay);
      delay = Math.min(delay * 2, 30_000);
    };
    const stop = liveClient().subscribe<{ activity: ActivityEntry }>(
      { query: document, operationName: 'OnActivity', variables: { eventId, after: cursor } },
      {
        next: ({ data }) => {
          if (!current || !data) return;
          delay = 1_000;
          cursor = data.activity.cursor;
          onEntry(data.activity);
        },
        error: ended,
        complete: ended,
      },
    );
    stopCurrent = () => {
      current = false;
      stop();
    };
  };
  const backOnline = () => {
    delay = 1_000;
    start();
  };
  addEventListener('online', backOnline);
  start();
  return () => {
    stopped = true;
    clearTimeout(timer);
    removeEventListener('online', backOnline);
    stopCurrent?.();
  };
}

/** The last cursor seen, kept with the event so that a reload resumes from it. */
export function lastCursorKey(eventId: string): string {
  return `cursor:${session.get()?.viewer.id}:${eventId}`;
}
