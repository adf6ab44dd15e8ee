import type { DataSource } from 'typeorm';
import type { ActivityEntity } from '../entities/activity.entity';
import { committedLogHead } from '../db/statements/event-log';
import { readLog } from '../services/activity-log';
import type { Logger } from '../observability/logger';
import type { CommitSignal, LogAppend } from '../services/log-commits';
import type { LogSignal } from './log-signal';

/** Receives an event's new entries, in log order, each exactly once. */
export interface EntryListener {
  entriesAppended(entries: readonly ActivityEntity[]): void;
}

/** An event's listeners, and how far its log was read for them. */
export interface EventChannel {
  readonly eventId: string;
  listeners: Set<EntryListener>;
  /** The last position read and delivered; entries after it are not yet delivered. */
  delivered: number;
  /** The highest position a signal announced. */
  announced: number;
  /** Signals so far: a read that found nothing must know whether one came while it ran. */
  signals: number;
  ready: Promise<void>;
  /** True once `delivered` holds the committed head it started from. */
  open: boolean;
  reading: boolean;
}

const batch = 500;
const retryMs = 500;

/**
 * One instance's view of the logs its subscribers follow. It hands an event's new entries, once
 * and in log order, to every listener of that event. It hears of them two ways:
 * - this instance's own commits (`committed`) come with their entries, handed on as they are
 *   when they are the log's next ones; else they are read, as for a signal;
 * - the signal (PostgreSQL's LISTEN; none on PGlite, where only this process writes) tells of
 *   every instance's commits, whose entries it reads once from the committed log.
 */
export class LogFeed implements CommitSignal {
  private readonly channels = new Map<string, EventChannel>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly signal: LogSignal | null,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.signal?.start({
      appended: (eventId, position) => this.announce(eventId, position),
      resync: () => {
        for (const eventId of this.channels.keys()) this.announce(eventId, Number.MAX_SAFE_INTEGER);
      },
    });
  }

  async stop(): Promise<void> {
    this.channels.clear();
    await this.signal?.stop();
  }

  /**
   * After this instance's commit. Its appends are handed on after the current turn, so that the
   * committing request answers first. An append whose entries follow what was delivered holds
   * the log's next entries, all committed (positions of an event commit in the order they are
   * taken): they need no read. Any other is announced, and read.
   */
  committed(appends: readonly LogAppend[]): void {
    if (appends.length === 0) return;
    setImmediate(() => {
      for (const append of appends) if (!this.handOn(append)) this.announce(append.eventId, append.entries.at(-1)!.position);
    });
  }

  /**
   * Follows an event's log. Resolves with the position up to which the log was committed when
   * following began (the listener receives every entry after it, and nothing before it), and
   * the channel to give `unfollow`.
   */
  async follow(eventId: string, listener: EntryListener): Promise<{ from: number; channel: EventChannel }> {
    let channel = this.channels.get(eventId);
    if (!channel) {
      const created: EventChannel = { eventId, listeners: new Set(), delivered: 0, announced: 0, signals: 0, ready: Promise.resolve(), open: false, reading: false };
      created.ready = this.committedHead(eventId).then(
        (head) => {
          created.delivered = head;
          created.open = true;
          if (created.announced > head) void this.pump(eventId, created);
        },
        (error) => {
          this.channels.delete(eventId);
          throw error;
        },
      );
      this.channels.set(eventId, created);
      channel = created;
    }
    await channel.ready;
    channel.listeners.add(listener);
    return { from: channel.delivered, channel };
  }

  /** Stops handing a channel's entries to a listener. */
  unfollow(channel: EventChannel, listener: EntryListener): void {
    channel.listeners.delete(listener);
    if (channel.listeners.size === 0 && this.channels.get(channel.eventId) === channel) this.channels.delete(channel.eventId);
  }

  private announce(eventId: string, position: number): void {
    const channel = this.channels.get(eventId);
    if (!channel) return;
    channel.announced = Math.max(channel.announced, position);
    channel.signals++;
    void channel.ready.then(() => this.pump(eventId, channel));
  }

  /** Reads and delivers until the announced position, or on a resync until the log ends. */
  private async pump(eventId: string, channel: EventChannel): Promise<void> {
    if (channel.reading) return;
    channel.reading = true;
    try {
      while (channel.delivered < channel.announced) {
        const signals = channel.signals;
        const entries = await readLog(this.dataSource, eventId, channel.delivered, batch);
        if (entries.length === 0) {
          // After a resync (announced: all), a commit signalled during this read may be newer than it.
          if (channel.signals !== signals) continue;
          channel.announced = channel.delivered;
          break;
        }
        channel.delivered = entries.at(-1)!.position;
        this.handAll(channel, entries);
      }
    } catch (error) {
      this.logger.warn({ err: error, eventId }, 'reading the log failed; retrying');
      setTimeout(() => void this.pump(eventId, channel), retryMs).unref();
    } finally {
      channel.reading = false;
    }
  }

  /** An own commit's entries, when no read is under way and they are the next after those delivered. */
  private handOn({ eventId, entries }: LogAppend): boolean {
    const channel = this.channels.get(eventId);
    if (!channel) return true; // nobody follows the event here
    if (!channel.open || channel.reading || channel.delivered !== entries[0].position - 1) return false;
    channel.delivered = entries.at(-1)!.position;
    this.handAll(channel, entries);
    return true;
  }

  private handAll(channel: EventChannel, entries: readonly ActivityEntity[]): void {
    for (const listener of channel.listeners) this.hand(listener, entries, channel.eventId);
  }

  /** One listener's failure is its own: the others, and the feed, go on. */
  private hand(listener: EntryListener, entries: readonly ActivityEntity[], eventId: string): void {
    try {
      listener.entriesAppended(entries);
    } catch (error) {
      this.logger.error({ err: error, eventId }, 'a log listener failed');
    }
  }

  /** The last position of the event's log that has committed. */
  async committedHead(eventId: string): Promise<number> {
    return committedLogHead(this.dataSource, eventId);
  }
}
