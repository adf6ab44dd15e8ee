import { Column, Entity } from 'typeorm';
import type { MembershipStatus, Role } from '../generated/schema-types';
import { BaseEntity } from './base.entity';

/** A newsroom taking part; an ADMIN verifies it once it is known to be real. */
@Entity('organizations')
export class OrganizationEntity extends BaseEntity {
  /** Trimmed; unique case-insensitively (index on lower(name)). */
  @Column('text')
  name: string;

  @Column('text', { nullable: true })
  url: string | null;

  @Column('boolean')
  verified: boolean;
}

/** A reviewer's standing in one organisation; its status moves, the row stays. */
@Entity('memberships')
export class MembershipEntity extends BaseEntity {
  @Column('uuid', { name: 'organization_id' })
  organizationId: string;

  @Column('uuid', { name: 'reviewer_id' })
  reviewerId: string;

  @Column('text')
  status: MembershipStatus;

  @Column('boolean', { name: 'org_admin' })
  orgAdmin: boolean;
}

/** An invitation to join an organisation: single use, bound to an email, expiring. Only its code's hash is kept. */
@Entity('invitations')
export class InvitationEntity extends BaseEntity {
  @Column('text', { name: 'code_hash', select: false })
  codeHash: string;

  @Column('uuid', { name: 'organization_id' })
  organizationId: string;

  @Column('text')
  email: string;

  @Column('text')
  role: Role;

  @Column('boolean', { name: 'org_admin' })
  orgAdmin: boolean;

  @Column({ type: 'timestamptz', name: 'expires_at', precision: 3 })
  expiresAt: Date;

  @Column('uuid', { name: 'created_by_id' })
  createdById: string;

  @Column({ type: 'timestamptz', name: 'used_at', precision: 3, nullable: true })
  usedAt: Date | null;

  @Column('uuid', { name: 'used_by_id', nullable: true })
  usedById: string | null;
}
