import { Column, Entity } from 'typeorm';
import type { EventStatus } from '../generated/schema-types';
import { BaseEntity } from './base.entity';

/** A breaking event (unrest, war, disaster) and the consensus policy its claims are judged by. */
@Entity('events')
export class BreakingEventEntity extends BaseEntity {
  @Column('text')
  title: string;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text', { nullable: true })
  region: string | null;

  @Column('text')
  status: EventStatus;

  @Column({ type: 'timestamptz', name: 'started_at', precision: 3 })
  startedAt: Date;

  @Column('integer')
  quorum: number;

  @Column('double precision')
  threshold: number;

  @Column('integer', { name: 'min_organizations' })
  minOrganizations: number;

  @Column('uuid', { name: 'created_by_id', nullable: true })
  createdById: string | null;
}
