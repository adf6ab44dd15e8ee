import { Column, Entity } from 'typeorm';
import { IdempotentEntity } from './idempotent';
import { StoredVerdict } from './verdict.embedded';

/** A claim as it circulates, with its current verdict (for a duplicate: its original's). */
@Entity('claims')
export class ClaimEntity extends IdempotentEntity {
  @Column('uuid', { name: 'event_id' })
  eventId: string;

  @Column('text')
  statement: string;

  @Column('text', { nullable: true })
  context: string | null;

  @Column('text', { name: 'source_url', nullable: true })
  sourceUrl: string | null;

  @Column('text', { nullable: true })
  language: string | null;

  @Column({ type: 'timestamptz', name: 'first_seen_at', precision: 3, nullable: true })
  firstSeenAt: Date | null;

  @Column('uuid', { name: 'duplicate_of_id', nullable: true })
  duplicateOfId: string | null;

  /** Its verdict_* columns, as the domain's VerdictState. */
  @Column(() => StoredVerdict, { prefix: false })
  verdict: StoredVerdict;
}
