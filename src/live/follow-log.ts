import { Repeater } from '@repeaterjs/repeater';
import { MoreThan, LessThanOrEqual, And } from 'typeorm';
import { ActivityEntity } from '../entities/activity.entity';
import { badInput } from '../domain/errors';
import type { EntryListener, LogFeed } from './log-feed';
import type { DataSource } from 'typeorm';

/**
 * How many entries may wait for one subscriber before it counts as a slow consumer (below
 * Repeater's own limit of 1,024 pending pushes).
 */
export const MAX_PENDING_ENTRIES = 1_000;

/** The subscriber's connection, where there is one. */
export interface LiveConnection {
  /** Closes the connection at once (1013 on a WebSocket): the client resumes with its last cursor. */
  cutOff(): void;
  /** Sends one `next` message whose payload is the given JSON text (a WebSocket operation's). */
  sendNext?(payloadJson: string): void;
  /**
   * Takes the subscriber's live entries, once its replay is sent, instead of its stream: shared
   * execution writes them to every socket of a group in one loop (shared-execution.ts).
   */
  deliverLive?(entry: ActivityEntity): void;
}

/**
 * Yielded once, after the replay, by a followed log whose connection takes live entries
 * itself; the stream ends there. The stream's consumer calls `goLive` when it has sent every
 * entry before it, so that live entries written directly can never overtake the replay, and
 * keeps what it returns, which stops them.
 */
export class LiveHandOver {
  constructor(readonly goLive: () => () => void) {}
}

/** What a followed log yields: entries, and on a connection that takes live entries, one hand-over. */
export type FollowedEntry = ActivityEntity | LiveHandOver;

/** Raised into a subscription whose client stopped reading; its socket is closed, and it resumes by cursor. */
export class SlowConsumerError extends Error {
  constructor() {
    super(`More than ${MAX_PENDING_ENTRIES} messages waited for this subscriber`);
    this.name = 'SlowConsumerError';
  }
}

const replayPage = 500;

/**
 * The entries of an event's log that match, in log order, each once: with `after`, first every
 * entry after that position from the stored log, then the live ones. Following starts before
 * the replay is read, and live entries wait until it ends, so there is no gap and no repeat
 * even while writes go on. BAD_USER_INPUT for a position beyond the committed log.
 */
export async function followLog(
  deps: { dataSource: DataSource; feed: LogFeed },
  eventId: string,
  after: number | null,
  match: (entry: ActivityEntity) => boolean,
  connection?: LiveConnection,
): Promise<AsyncIterableIterator<FollowedEntry>> {
  const tooSlow = (pending: number) => pending > MAX_PENDING_ENTRIES;
  let held: ActivityEntity[] | null = [];
  let sink: ((entries: readonly ActivityEntity[]) => void) | null = null;
  let overflow = false;
  // Live entries at or before this position were seen already (the cursor may be ahead of
  // this instance's feed when it came from another instance that heard of a commit sooner).
  let seenThrough = 0;
  const wanted = (entry: ActivityEntity) => entry.position > seenThrough && match(entry);
  const following = await deps.feed.follow(eventId, (entries) => {
    if (sink) return sink(entries);
    held!.push(...entries.filter(wanted));
    if (!overflow && tooSlow(held!.length)) {
      overflow = true;
      connection?.cutOff();
    }
  });
  if (after !== null && after > following.from) {
    if (after > (await deps.feed.committedHead(eventId))) {
      following.stop();
      throw badInput('Unknown cursor: it is beyond the end of the log', 'after');
    }
    seenThrough = after;
    held = held!.filter(wanted);
  }

  const goLive = (to: EntryListener) => {
    const waiting = held!;
    held = null;
    sink = to;
    to(waiting);
  };
  // Made out here, not in the stream: an idle subscription keeps only this listener, not the stream.
  const handOver = (live: LiveConnection) =>
    new LiveHandOver(() => {
      handedOver = true;
      goLive((entries) => {
        for (const entry of entries) if (wanted(entry)) live.deliverLive!(entry);
      });
      return following.stop;
    });
  let handedOver = false;

  return new Repeater<FollowedEntry>(async (push, stop) => {
    void stop.then(() => handedOver || following.stop());
    let pending = 0;
    const deliver = (entries: readonly ActivityEntity[]) => {
      for (const entry of entries) {
        if (!wanted(entry)) continue;
        if (tooSlow(++pending)) {
          connection?.cutOff();
          return stop(new SlowConsumerError());
        }
        void push(entry).then(
          () => pending--,
          () => undefined, // the subscription ended first
        );
      }
    };
    if (after !== null) {
      for (let from = after; from < following.from; ) {
        const page = await deps.dataSource.getRepository(ActivityEntity).find({
          where: { eventId, position: And(MoreThan(from), LessThanOrEqual(following.from)) },
          order: { position: 'ASC' },
          take: replayPage,
        });
        if (page.length === 0) break;
        for (const entry of page) if (match(entry)) await push(entry);
        from = page.at(-1)!.position;
      }
    }
    if (overflow) return stop(new SlowConsumerError());
    // The consumer returns the stream once it has gone live; following goes on without it.
    if (connection?.deliverLive) void push(handOver(connection));
    else goLive(deliver);
    await stop;
  });
}
