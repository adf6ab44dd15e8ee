import { send } from './api';
import { readStored, updateStored } from './cache';
import { RequestFailure, Variables } from './graphql';
import type { MessageKey } from './i18n';
import { session } from './session';
import { Value } from './value';

/** The actions the desk takes through the outbox, each a contract mutation. */
export type Action = 'CastVote' | 'RetractVote' | 'SubmitClaim' | 'AddEvidence' | 'PublishVerdict' | 'ReopenClaim' | 'MarkDuplicate';

/** Mutations whose input takes an idempotency key: a second send returns the first result. */
const keyed: ReadonlySet<Action> = new Set(['SubmitClaim', 'AddEvidence']);

export interface OutboxItem {
  /** Made on this device; also the idempotency key where the contract takes one. */
  id: string;
  operationName: Action;
  variables: Variables;
  claimId?: string;
  eventId?: string;
  label: { key: MessageKey; params: Record<string, string> };
  createdAt: number;
  /** Why the server refused it (a conflict such as a published claim or a closed event): kept and shown, not retried. */
  failure?: { code: string; message: string };
}

/** Each reviewer's outbox is their own: it is sent with their token, and waits while someone else is signed in. */
const storeKey = () => `outbox:${session.get()?.viewer.id}`;

/** Actions not yet done, oldest first, as kept in IndexedDB (they survive a reload and a closed tab). */
export const outbox = new Value<OutboxItem[]>([]);
/** The last action the server took, with its answer, so that views can show its effect. */
export const lastSent = new Value<{ item: OutboxItem; data: any } | null>(null);

/** Puts an action in the outbox and sends what waits, in order, if the link allows. */
export async function enqueue(
  operationName: Action,
  input: Record<string, unknown>,
  place: { claimId?: string; eventId?: string },
  label: OutboxItem['label'],
): Promise<void> {
  const id = newKey();
  const item: OutboxItem = {
    id,
    operationName,
    variables: { input: keyed.has(operationName) ? { ...input, idempotencyKey: id } : input },
    ...place,
    label,
    createdAt: Date.now(),
  };
  await updateStored<OutboxItem[]>(storeKey(), (items = []) => [...items, item]);
  outbox.set((await readStored<OutboxItem[]>(storeKey())) ?? []);
  void flush();
}

/** Removes an item the server refused, once the reviewer has read why. */
export async function dismiss(id: string): Promise<void> {
  await updateStored<OutboxItem[]>(storeKey(), (items = []) => items.filter((item) => item.id !== id));
  outbox.set((await readStored<OutboxItem[]>(storeKey())) ?? []);
}

let running = false;
let requested = false;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryDelay = 2_000;

/** Sends the waiting actions in order; stops at a network failure or SERVICE_UNAVAILABLE and tries again later. */
export async function flush(): Promise<void> {
  requested = true;
  if (running) return;
  running = true;
  try {
    while (requested) {
      requested = false;
      // One tab at a time sends, so that two open tabs never send the same action twice.
      if (navigator.locks) await navigator.locks.request('desk-outbox', sendWaiting);
      else await sendWaiting();
    }
  } finally {
    running = false;
  }
}

async function sendWaiting(): Promise<void> {
  for (;;) {
    if (!session.get()) return outbox.set([]);
    const key = storeKey();
    const items = (await readStored<OutboxItem[]>(key)) ?? [];
    outbox.set(items);
    const next = items.find((item) => !item.failure);
    if (!next || !navigator.onLine) return;
    try {
      const data = await send(next.operationName, next.variables);
      await updateStored<OutboxItem[]>(key, (all = []) => all.filter((item) => item.id !== next.id));
      retryDelay = 2_000;
      lastSent.set({ item: next, data });
    } catch (error) {
      if (!(error instanceof RequestFailure)) throw error;
      if (error.retryable) return retryLater(error.retryAfter);
      // The session lapsed (send() signed the desk out): the action waits for the reviewer to sign in again.
      if (error.code === 'UNAUTHENTICATED') return;
      const failure = { code: error.code, message: error.message };
      await updateStored<OutboxItem[]>(key, (all = []) => all.map((item) => (item.id === next.id ? { ...item, failure } : item)));
      lastSent.set({ item: { ...next, failure }, data: null });
    }
  }
}

function retryLater(retryAfterSeconds?: number): void {
  clearTimeout(retryTimer);
  const delay = retryAfterSeconds ? retryAfterSeconds * 1000 : retryDelay;
  retryDelay = Math.min(retryDelay * 2, 60_000);
  retryTimer = setTimeout(() => void flush(), delay);
}

/** A random key; crypto.randomUUID exists only on secure origins. */
function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Loads the outbox kept from before and sends it; again whenever the browser comes back online. */
export function startOutbox(): void {
  addEventListener('online', () => void flush());
  session.subscribe(() => void flush());
  void flush();
}
