import { Repeater } from '@repeaterjs/repeater';
import { ActivityEntity } from '../entities/activity.entity';
import { badInput } from '../domain/errors';
import { readLog } from '../services/activity-log';
import type { EntryListener, EventChannel, LogFeed } from './log-feed';
import type { DataSource } from 'typeorm';

/**
 * How many entries may wait for one subscriber before it counts as a slow consumer (below
 * Repeater's own limit of 1,024 pending pushes).
 */
export const MAX_PENDING_ENTRIES = 1_000;

/**
 * Which of an event's entries a subscriber gets: those of `type`, of `claimId`, both, or all.
 * Data, not a predicate: an idle subscription keeps it, and a closure would be more (bench B4).
 */
export interface EntryFilter {
  type?: string;
  claimId?: string;
}

export const matches = (filter: EntryFilter, entry: ActivityEntity): boolean =>
  (filter.type === undefined || entry.type === filter.type) && (filter.claimId === undefined || entry.claimId === filter.claimId);

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
 * keeps what it returns, whose `stop` stops them.
 */
export class LiveHandOver {
  constructor(private readonly follower: LogFollower) {}

  goLive(): { stop(): void } {
    this.follower.goDirect();
    return this.follower;
  }
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
 * One subscriber's listener on an event's feed: live entries are held while the replay is
 * read, then passed on, to the stream or straight to the connection. A class, not closures:
 * an idle subscription keeps it (bench B4).
 */
class LogFollower implements EntryListener {
  /** Live entries waiting for the replay to end; null once they pass on. */
  private held: ActivityEntity[] | null = [];
  /** Where live entries go once the replay ends, when they go through the stream. */
  private sink: ((entries: readonly ActivityEntity[]) => void) | null = null;
  /** Set once the connection takes live entries itself: the stream may end without stopping this. */
  direct = false;
  overflow = false;
  /**
   * Live entries at or before this position were seen already (the cursor may be ahead of
   * this instance's feed when it came from another instance that heard of a commit sooner).
   */
  private seenThrough = 0;
  private channel: EventChannel | undefined;

  constructor(
    private readonly feed: LogFeed,
    private readonly filter: EntryFilter,
    private readonly connection: LiveConnection | undefined,
  ) {}

  /** Starts following; the position the feed starts after. */
  async follow(eventId: string): Promise<number> {
    const { from, channel } = await this.feed.follow(eventId, this);
    this.channel = channel;
    return from;
  }

  stop(): void {
    if (this.channel) this.feed.unfollow(this.channel, this);
  }

  /** Skips live entries up to `position`, which the replay covers. */
  seenUpTo(position: number): void {
    this.seenThrough = position;
    this.held = this.held!.filter((entry) => this.wanted(entry));
  }

  wanted(entry: ActivityEntity): boolean {
    return entry.position > this.seenThrough && matches(this.filter, entry);
  }

  entriesAppended(entries: readonly ActivityEntity[]): void {
    if (this.direct) {
      for (const entry of entries) if (this.wanted(entry)) this.connection!.deliverLive!(entry);
    } else if (this.sink) {
      this.sink(entries);
    } else {
      this.held!.push(...entries.filter((entry) => this.wanted(entry)));
      if (!this.overflow && tooSlow(this.held!.length)) {
        this.overflow = true;
        this.connection?.cutOff();
      }
    }
  }

  /** Ends the replay: held entries, then live ones, go to `sink`. */
  goLive(sink: (entries: readonly ActivityEntity[]) => void): void {
    const waiting = this.held!;
    this.held = null;
    this.sink = sink;
    sink(waiting);
  }

  /** Ends the replay: held entries, then live ones, go to the connection itself. */
  goDirect(): void {
    const waiting = this.held!;
    this.held = null;
    this.direct = true;
    this.entriesAppended(waiting);
  }
}

const tooSlow = (pending: number) => pending > MAX_PENDING_ENTRIES;

/**
 * The entries of an event's log that pass `filter`, in log order, each once: with `after`, first every
 * entry after that position from the stored log, then the live ones. Following starts before
 * the replay is read, and live entries wait until it ends, so there is no gap and no repeat
 * even while writes go on. BAD_USER_INPUT for a position beyond the committed log.
 */
export async function followLog(
  deps: { dataSource: DataSource; feed: LogFeed },
  eventId: string,
  after: number | null,
  filter: EntryFilter,
  connection?: LiveConnection,
): Promise<AsyncIterableIterator<FollowedEntry>> {
  const follower = new LogFollower(deps.feed, filter, connection);
  const from = await follower.follow(eventId);
  if (after !== null && after > from) {
    if (after > (await deps.feed.committedHead(eventId))) {
      follower.stop();
      throw badInput('Unknown cursor: it is beyond the end of the log', 'after');
    }
    follower.seenUpTo(after);
  }

  return new Repeater<FollowedEntry>(async (push, stop) => {
    // Once handed over, following outlives the stream: the consumer stops it.
    void stop.then(() => follower.direct || follower.stop());
    let pending = 0;
    const deliver = (entries: readonly ActivityEntity[]) => {
      for (const entry of entries) {
        if (!follower.wanted(entry)) continue;
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
      for (let position = after; position < from; ) {
        const page = await readLog(deps.dataSource, eventId, position, replayPage, from);
        if (page.length === 0) break;
        for (const entry of page) if (matches(filter, entry)) await push(entry);
        position = page.at(-1)!.position;
      }
    }
    if (follower.overflow) return stop(new SlowConsumerError());
    // The consumer returns the stream once it has gone live; following goes on without it.
    if (connection?.deliverLive) void push(new LiveHandOver(follower));
    else follower.goLive(deliver);
    await stop;
  });
}
