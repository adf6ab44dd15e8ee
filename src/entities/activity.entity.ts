import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ActivityType } from '../generated/schema-types';
import type { VerdictState } from '../domain/verdict';

/** A verdict as kept in the log: dates as ISO strings, since it is stored as JSON. */
export type LoggedVerdict = Omit<VerdictState, 'updatedAt' | 'publishedAt'> & {
  updatedAt: string;
  publishedAt: string | null;
};

/**
 * One entry of an event's append-only activity log, at a gapless position per event.
 * Written in the same transaction as the change it records; never updated or deleted.
 */
@Entity('activity')
export class ActivityEntity {
  @PrimaryColumn('uuid', { name: 'event_id' })
  eventId: string;

  @PrimaryColumn('bigint', { transformer: { to: (v: number) => v, from: (v: string | number) => Number(v) } })
  position: number;

  @Column('text')
  type: ActivityType;

  @Column('uuid', { name: 'claim_id', nullable: true })
  claimId: string | null;

  @Column('uuid', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column({ type: 'timestamptz', precision: 3 })
  at: Date;

  @Column('jsonb', { nullable: true })
  verdict: LoggedVerdict | null;

  @Column('jsonb', { nullable: true })
  previous: LoggedVerdict | null;

  @Column('jsonb', { nullable: true })
  detail: { reason?: string; duplicateOfId?: string } | null;
}
