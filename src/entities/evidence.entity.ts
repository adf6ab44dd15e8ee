import { Column, Entity } from 'typeorm';
import type { Stance } from '../generated/graphql';
import { BaseEntity } from './base.entity';

@Entity('evidence')
export class EvidenceEntity extends BaseEntity {
  @Column('uuid', { name: 'claim_id' })
  claimId: string;

  @Column('text')
  stance: Stance;

  @Column('text', { nullable: true })
  url: string | null;

  @Column('text', { nullable: true })
  title: string | null;

  @Column('text', { nullable: true })
  excerpt: string | null;

  @Column('uuid', { name: 'submitted_by_id', nullable: true })
  submittedById: string | null;
}
