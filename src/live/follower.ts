import type { DataSource } from 'typeorm';
import type { WebSocket } from 'ws';
import { badInput } from '../domain/errors';
import type { ActivityEntity } from '../entities/activity.entity';
import { readLog } from '../services/activity-log';
import type { Group, Member } from './group';
import type { EntryListener, EventChannel, LogFeed } from './log-feed';
import type { SocketSink } from './socket-sink';

/** How many live entries may wait for one subscriber's replay before it counts as a slow consumer. */
const MAX_PENDING_ENTRIES = 1_000;

const replayPage = 500;

/** Which of an event's entries a subscriber gets: those of `type`, of `claimId`, both, or all. */
export interface EntryFilter {
  type?: string;
  claimId?: string;
}

const matches = (filter: EntryFilter, entry: ActivityEntity): boolean =>
  (filter.type === undefined || entry.type === filter.type) && (filter.claimId === undefined || entry.claimId === filter.claimId);

/** What every follower of a server uses: the feed of committed entries, the stored log, the sink. */
export interface FollowServices {
  feed: LogFeed;
  dataSource: DataSource;
  sink: SocketSink;
}

const done: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * What a subscription field resolves to: which entries of which event to follow. graphql-js
 * takes a subscription field's value only if it is an async iterable, so it is one; but it is
 * never iterated: live delivery follows it on the operation's socket (LiveSubscriptions.start)
 * and hands graphql-ws the {@link Follower} in its place.
 */
export class FollowRequest implements AsyncIterable<never> {
  constructor(
    readonly eventId: string,
    /** The log position to replay from; null to start live. */
    readonly after: number | null,
    readonly filter: EntryFilter,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<never> {
    throw new Error('A follow request is followed by live delivery, not iterated');
  }
}

/**
 * One subscription to an event's log, on its operation's socket, as a member of its group.
 * `follow` follows the committed log and hands each wanted entry, in log order and each once,
 * to the group: with a cursor, first every entry after it from the stored log (the replay),
 * then the live ones the feed hands over. Following starts before the replay is read, and live
 * entries wait until it ends, so there is no gap and no repeat even while writes go on.
 *
 * To graphql-ws it is the operation's async iterator: it yields nothing (the group writes the
 * messages), ends when graphql-ws returns it (the client completed, or its socket closed), and
 * throws when delivery failed.
 */
export class Follower implements EntryListener, Member, AsyncIterableIterator<never> {
  readonly since = Date.now();
  active = true;
  writing: Promise<void> | undefined = undefined;
  readonly eventId: string;
  /** The log position to replay from; null to start live. */
  private readonly after: number | null;
  private readonly filter: EntryFilter;
  private channel: EventChannel | undefined;
  /** Live entries waiting for the replay to end; null once they pass on. */
  private held: ActivityEntity[] | null = [];
  /** Live entries at or before this position are covered by the replay. */
  private seenThrough = 0;
  private failure: unknown = undefined;
  /** Ends graphql-ws's wait for the next result. */
  private wake: ((step: Promise<IteratorResult<never>>) => void) | undefined;

  constructor(
    private readonly services: FollowServices,
    private readonly group: Group,
    request: FollowRequest,
    readonly socket: WebSocket,
    /** The graphql-ws operation id its messages carry. */
    readonly operationId: string,
  ) {
    // What to follow is copied, not kept: the request is let go once its follower exists.
    this.eventId = request.eventId;
    this.after = request.after;
    this.filter = request.filter;
  }

  /**
   * Joins the group and follows the log. Settles once following has begun; the replay and the
   * live entries then go on by themselves. BAD_USER_INPUT for a cursor beyond the committed log.
   */
  async follow(): Promise<void> {
    const { services, group } = this;
    group.join();
    try {
      const { from, channel } = await services.feed.follow(this.eventId, this);
      this.channel = channel;
      if (!this.active) return services.feed.unfollow(channel, this); // returned while following began
      const { after } = this;
      // The cursor may be ahead of this instance's feed when another instance heard of a commit sooner.
      if (after !== null && after > from) {
        if (after > (await services.feed.committedHead(this.eventId))) throw badInput('Unknown cursor: it is beyond the end of the log', 'after');
        this.seenThrough = after;
      }
      void this.replay(from);
    } catch (error) {
      this.stop();
      throw error;
    }
  }

  entriesAppended(entries: readonly ActivityEntity[]): void {
    if (!this.active) return;
    if (this.held) return this.hold(entries);
    for (const entry of entries) if (this.wanted(entry)) this.group.deliver(entry, this);
  }

  /** Stops following; nothing more is written for this subscription. */
  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.held = null;
    if (this.channel) this.services.feed.unfollow(this.channel, this);
    this.group.leave();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<never>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (!this.active) return Promise.resolve(done);
    return new Promise((resolve) => (this.wake = resolve));
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    this.stop();
    this.end(Promise.resolve(done));
    return done;
  }

  async throw(error: unknown): Promise<never> {
    await this.return();
    throw error;
  }

  private wanted(entry: ActivityEntity): boolean {
    return entry.position > this.seenThrough && matches(this.filter, entry);
  }

  private hold(entries: readonly ActivityEntity[]): void {
    const held = this.held!;
    for (const entry of entries) if (this.wanted(entry)) held.push(entry);
    if (held.length > MAX_PENDING_ENTRIES) {
      this.held = []; // its socket closes: it resumes by cursor
      this.services.sink.cutOff(this.socket, 'entries waiting');
    }
  }

  /** The stored entries after the cursor up to `from`, each once the socket may take it; then live ones. */
  private async replay(from: number): Promise<void> {
    const { services, group } = this;
    try {
      for (let position = this.after ?? from; position < from; ) {
        const page = await readLog(services.dataSource, this.eventId, position, replayPage, from);
        if (page.length === 0) break;
        for (const entry of page) {
          if (!this.active) return;
          if (matches(this.filter, entry)) await group.replay(entry, this);
        }
        position = page.at(-1)!.position;
      }
      const waiting = this.held;
      if (!this.active || !waiting) return;
      this.held = null;
      this.entriesAppended(waiting);
    } catch (error) {
      this.failure = error;
      this.stop();
      this.end(Promise.reject(error));
    }
  }

  private end(step: Promise<IteratorResult<never>>): void {
    const wake = this.wake;
    this.wake = undefined;
    if (wake) wake(step);
    else step.catch(() => undefined); // next() will report it
  }
}
