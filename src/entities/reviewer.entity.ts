import { Column, Entity } from 'typeorm';
import type { Role } from '../generated/schema-types';
import { BaseEntity } from './base.entity';

@Entity('reviewers')
export class ReviewerEntity extends BaseEntity {
  /** Unique case-insensitively (index on lower(email)). */
  @Column('text')
  email: string;

  @Column('text', { name: 'password_hash', select: false })
  passwordHash: string;

  @Column('text', { name: 'display_name' })
  displayName: string;

  @Column('text')
  role: Role;
}
