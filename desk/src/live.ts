import { Client, createClient } from 'graphql-ws';
import { send } from './api';
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
 * Follows an event's activity subscription from `after`, calling `onEntry` for each entry and
 * keeping its cursor as the last one seen of the event. When the link drops, it subscribes again
 * from the last cursor it saw, so that nothing is missed and nothing is read twice. Returns a
 * function that stops following.
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
          localStorage.setItem(lastSeenKey(eventId), cursor);
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

/*
 * Where a view follows its event from, given to read() as `start`: a cursor seen before the view
 * reads what it shows. Following from it, no change committed after the read is missed; one the
 * view already shows may come again, and the views apply an entry twice as harmlessly as once.
 * Following from null ("from now on") would miss a change committed between the read and the
 * subscription's start.
 */

/** The last cursor seen of the event, or else the head of its log (Event.activityCursor), read now. */
export async function eventCursor(eventId: string): Promise<string | null> {
  const seen = localStorage.getItem(lastSeenKey(eventId));
  if (seen) return seen;
  const { event } = await send<{ event: { activityCursor: string | null } | null }>('EventActivityCursor', { id: eventId });
  return remember(eventId, event?.activityCursor ?? null);
}

/** The head of the log of the claim's event, read now (the claim's event is not known before). */
export async function claimCursor(claimId: string): Promise<string | null> {
  const { claim } = await send<{ claim: { event: { id: string; activityCursor: string | null } } | null }>('ClaimActivityCursor', { id: claimId });
  return claim ? remember(claim.event.id, claim.event.activityCursor) : null;
}

function remember(eventId: string, cursor: string | null): string | null {
  if (cursor) localStorage.setItem(lastSeenKey(eventId), cursor);
  return cursor;
}

/** The last cursor seen of each event, kept so that the next visit starts from it. */
function lastSeenKey(eventId: string): string {
  return `cursor:${session.get()?.viewer.id}:${eventId}`;
}
