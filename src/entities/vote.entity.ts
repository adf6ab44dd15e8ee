import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Rating } from '../generated/schema-types';
import { BaseEntity } from './base.entity';

/** One reviewer's vote on one claim; a second vote replaces the first. */
@Entity('votes')
@Index(['claimId', 'reviewerId'], { unique: true })
export class VoteEntity extends BaseEntity {
  @Column('uuid', { name: 'claim_id' })
  claimId: string;

  @Column('uuid', { name: 'reviewer_id' })
  reviewerId: string;

  @Column('text')
  rating: Rating;

  @Column('text', { nullable: true })
  rationale: string | null;
}

/** Evidence of the same claim that a vote relies on. */
@Entity('vote_evidence')
export class VoteEvidenceEntity {
  @PrimaryColumn('uuid', { name: 'vote_id' })
  voteId: string;

  @PrimaryColumn('uuid', { name: 'evidence_id' })
  evidenceId: string;
}
