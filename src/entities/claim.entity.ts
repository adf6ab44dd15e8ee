import { Column, Entity } from 'typeorm';
import type { Rating, VerdictStatus } from '../generated/graphql';
import type { RatingCount } from '../domain/verdict';
import { IdempotentEntity } from './idempotent';

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

  @Column('text', { name: 'verdict_status' })
  verdictStatus: VerdictStatus;

  @Column('text', { name: 'verdict_rating', nullable: true })
  verdictRating: Rating | null;

  @Column('double precision', { name: 'verdict_agreement' })
  verdictAgreement: number;

  @Column('integer', { name: 'verdict_vote_count' })
  verdictVoteCount: number;

  @Column('jsonb', { name: 'verdict_tally' })
  verdictTally: RatingCount[];

  @Column('integer', { name: 'verdict_version' })
  verdictVersion: number;

  @Column({ type: 'timestamptz', name: 'verdict_updated_at', precision: 3 })
  verdictUpdatedAt: Date;

  @Column({ type: 'timestamptz', name: 'verdict_published_at', precision: 3, nullable: true })
  verdictPublishedAt: Date | null;

  @Column('uuid', { name: 'verdict_published_by_id', nullable: true })
  verdictPublishedById: string | null;

  @Column('text', { name: 'verdict_summary', nullable: true })
  verdictSummary: string | null;

  @Column('integer', { name: 'verdict_organization_count' })
  verdictOrganizationCount: number;

  @Column('text', { name: 'verdict_explanation' })
  verdictExplanation: string;
}
