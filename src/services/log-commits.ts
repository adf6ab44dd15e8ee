/** A transaction's append to an event's log: the last position it wrote. */
export interface LogAppend {
  eventId: string;
  position: number;
}

/**
 * What the services tell live delivery after a commit: the appends it made. Live delivery
 * implements it (live/log-signal.ts); the services know nothing more of it.
 */
export interface CommitSignal {
  committed(appends: readonly LogAppend[]): void;
}
