import type { DataSource } from 'typeorm';
import type { ActivityEntity } from '../entities/activity.entity';
import { committedLogHead } from '../db/statements/event-log';
import { readLog } from '../services/activity-log';
import type { Logger } from '../observability/logger';
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
  reading: boolean;
}

const batch = 500;
const retryMs = 500;

/**
 * One instance's view of the logs its subscribers follow. On a signal it reads an event's new
 * entries once, from the committed log, and hands them to every listener of that event.
 */
export class LogFeed {
  private readonly channels = new Map<string, EventChannel>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly signal: LogSignal,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    return this.signal.start({
      appended: (eventId, position) => this.announce(eventId, position),
      resync: () => {
        for (const eventId of this.channels.keys()) this.announce(eventId, Number.MAX_SAFE_INTEGER);
      },
    });
  }

  stop(): Promise<void> {
    this.channels.clear();
    return this.signal.stop();
  }

  /**
   * Follows an event's log. Resolves with the position up to which the log was committed when
   * following began (the listener receives every entry after it, and nothing before it), and
   * the channel to give `unfollow`.
   */
  async follow(eventId: string, listener: EntryListener): Promise<{ from: number; channel: EventChannel }> {
    let channel = this.channels.get(eventId);
    if (!channel) {
      const created: EventChannel = { eventId, listeners: new Set(), delivered: 0, announced: 0, signals: 0, ready: Promise.resolve(), reading: false };
      created.ready = this.committedHead(eventId).then(
        (head) => {
          created.delivered = head;
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
        for (const listener of channel.listeners) this.hand(listener, entries, eventId);
      }
    } catch (error) {
      this.logger.warn({ err: error, eventId }, 'reading the log failed; retrying');
      setTimeout(() => void this.pump(eventId, channel), retryMs).unref();
    } finally {
      channel.reading = false;
    }
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
