import { Column } from 'typeorm';
import { BaseEntity } from './base.entity';

/** A row a reviewer creates with an optional idempotency key (claims, evidence). */
export abstract class IdempotentEntity extends BaseEntity {
  @Column('uuid', { name: 'submitted_by_id', nullable: true })
  submittedById: string | null;

  @Column('text', { name: 'idempotency_key', nullable: true, select: false })
  idempotencyKey: string | null;

  @Column('text', { name: 'idempotency_fingerprint', nullable: true, select: false })
  idempotencyFingerprint: string | null;
}
