import { Column } from 'typeorm';
import type { Rating, VerdictStatus } from '../generated/schema-types';
import type { VerdictState } from '../domain/verdict';
import type { RatingCount } from '../domain/verdict-outcome';

/**
 * A claim's verdict as stored: the claim's verdict_* columns, embedded in ClaimEntity as
 * `claim.verdict`. It has the domain's VerdictState shape, so the stored verdict is the
 * domain's without a mapping, and the hand-written UPDATE that stores verdicts
 * (verdict-changes.ts) takes its columns from this class's metadata.
 */
export class StoredVerdict implements VerdictState {
  @Column('text', { name: 'verdict_status' })
  status: VerdictStatus;

  @Column('text', { name: 'verdict_rating', nullable: true })
  rating: Rating | null;

  @Column('double precision', { name: 'verdict_agreement' })
  agreement: number;

  @Column('integer', { name: 'verdict_vote_count' })
  voteCount: number;

  @Column('jsonb', { name: 'verdict_tally' })
  tally: RatingCount[];

  @Column('integer', { name: 'verdict_version' })
  version: number;

  @Column({ type: 'timestamptz', name: 'verdict_updated_at', precision: 3 })
  updatedAt: Date;

  @Column({ type: 'timestamptz', name: 'verdict_published_at', precision: 3, nullable: true })
  publishedAt: Date | null;

  @Column('uuid', { name: 'verdict_published_by_id', nullable: true })
  publishedById: string | null;

  @Column('text', { name: 'verdict_summary', nullable: true })
  summary: string | null;

  @Column('integer', { name: 'verdict_organization_count' })
  organizationCount: number;

  @Column('text', { name: 'verdict_explanation' })
  explanation: string;
}
