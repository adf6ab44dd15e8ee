import { Column, Entity } from 'typeorm';
import type { Stance } from '../generated/schema-types';
import { IdempotentEntity } from './idempotent';

@Entity('evidence')
export class EvidenceEntity extends IdempotentEntity {
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
}
