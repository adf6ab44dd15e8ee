import type { ActivityEntity } from '../entities/activity.entity';

/** A transaction's append to an event's log: the entries it wrote, at consecutive positions. */
export interface LogAppend {
  eventId: string;
  entries: readonly ActivityEntity[];
}

/**
 * What the services tell live delivery after a commit: the appends it made. Live delivery
 * implements it (live/log-feed.ts); the services know nothing more of it.
 */
export interface CommitSignal {
  committed(appends: readonly LogAppend[]): void;
}
