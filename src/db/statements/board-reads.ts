import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { ActivityEntity } from '../../entities/activity.entity';
import { EvidenceEntity } from '../../entities/evidence.entity';
import { MembershipEntity, OrganizationEntity } from '../../entities/organization.entity';
import { VoteEntity } from '../../entities/vote.entity';
import { ActivityType, MembershipStatus, type Role, type VerdictStatus } from '../../generated/schema-types';
import { sqlParameters } from './sql-parameters';
import { entityRows } from './entity-rows';
import { queryRows } from './rows';
import { suspendedSql } from './vote-path';

/**
 * The reads behind the request's DataLoaders, written by hand: an EventBoard runs one of each
 * per field for all its claims at once, and TypeORM's query builder, building its SQL anew and
 * mapping every row generically, was about a sixth of an EventBoard's CPU (bench B1). Each takes
 * a batch of keys and answers for all of them in one statement; entities are read through their
 * metadata (entity-rows.ts), so their column lists cannot drift.
 */

/** Rows of an entity by id, any order; only the given properties when `only` is set. */
export function entitiesById<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, ids: readonly string[]): Promise<T[]> {
  const reader = entityRows(dataSource, entity);
  return hydrated(dataSource, reader, `SELECT ${reader.columns('x')} FROM "${reader.table}" x WHERE x.id = ANY($1::uuid[])`, [ids]);
}

/** What a keyed count counts. */
export const Counted = {
  /** ACTIVE members per organisation id. */
  activeMembers: `SELECT organization_id::text AS key, count(*) AS count FROM memberships
                   WHERE organization_id = ANY($1::uuid[]) AND status = '${MembershipStatus.Active}' GROUP BY organization_id`,
  /** Evidence per `claimId` or `claimId:STANCE`. */
  evidence: `SELECT k AS key, (SELECT count(*) FROM evidence e
                                WHERE e.claim_id = split_part(k, ':', 1)::uuid
                                  AND (split_part(k, ':', 2) = '' OR e.stance = split_part(k, ':', 2))) AS count
               FROM unnest($1::text[]) AS k`,
  /** Votes per claim id. */
  votes: `SELECT claim_id::text AS key, count(*) AS count FROM votes WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`,
  /** VERDICT_CHANGED entries per claim id. */
  verdictChanges: `SELECT claim_id::text AS key, count(*) AS count FROM activity
                    WHERE claim_id = ANY($1::uuid[]) AND type = '${ActivityType.VerdictChanged}' GROUP BY claim_id`,
} as const;

/** Counts per key; a key with nothing counted is absent. */
export async function countsByKey(dataSource: DataSource, counted: (typeof Counted)[keyof typeof Counted], keys: readonly string[]): Promise<Map<string, number>> {
  const rows = await queryRows<{ key: string; count: number }>(dataSource.manager, counted, [keys]);
  return new Map(rows.map((row) => [row.key, row.count]));
}

/** The organisation in which each reviewer is an ACTIVE member, for those who are one. */
export async function activeOrganizations(dataSource: DataSource, reviewerIds: readonly string[]): Promise<Map<string, OrganizationEntity>> {
  const organizations = entityRows(dataSource, OrganizationEntity);
  const rows = await queryRows<ObjectLiteral>(
    dataSource.manager,
    `SELECT m.reviewer_id AS "reviewerId", ${organizations.columns('x', { prefix: 'organization' })}
       FROM memberships m JOIN "${organizations.table}" x ON x.id = m.organization_id
      WHERE m.reviewer_id = ANY($1::uuid[]) AND m.status = '${MembershipStatus.Active}'`,
    [reviewerIds],
  );
  const byReviewer = new Map<string, OrganizationEntity>();
  organizations.hydrate(rows, 'organization').forEach((organization, i) => {
    const reviewerId = rows[i].reviewerId as string;
    if (!byReviewer.has(reviewerId)) byReviewer.set(reviewerId, organization);
  });
  return byReviewer;
}

/** Reviewers' memberships other than DECLINED, each reviewer's SUSPENDED first, then ACTIVE, then the newest REQUESTED. */
export function currentMemberships(dataSource: DataSource, reviewerIds: readonly string[]): Promise<MembershipEntity[]> {
  const memberships = entityRows(dataSource, MembershipEntity);
  return hydrated(
    dataSource,
    memberships,
    `SELECT ${memberships.columns('x')} FROM "${memberships.table}" x
      WHERE x.reviewer_id = ANY($1::uuid[]) AND x.status <> '${MembershipStatus.Declined}'
      ORDER BY array_position(ARRAY['${MembershipStatus.Suspended}', '${MembershipStatus.Active}', '${MembershipStatus.Requested}'], x.status),
               x.updated_at DESC, x.id`,
    [reviewerIds],
  );
}

/** Reviewers' roles and whether any membership of theirs is SUSPENDED: what decides whether their votes count. */
export function voterStandings(dataSource: DataSource, reviewerIds: readonly string[]): Promise<{ id: string; role: Role; suspended: boolean }[]> {
  return queryRows(dataSource.manager, `SELECT r.id, r.role, ${suspendedSql('r.id')} AS suspended FROM reviewers r WHERE r.id = ANY($1::uuid[])`, [
    reviewerIds,
  ]);
}

/** Of the given organisations, those the reviewer administers (an ACTIVE orgAdmin membership). */
export async function administeredOrganizations(dataSource: DataSource, reviewerId: string, organizationIds: readonly string[]): Promise<Set<string>> {
  const rows = await queryRows<{ organizationId: string }>(
    dataSource.manager,
    `SELECT organization_id AS "organizationId" FROM memberships
      WHERE reviewer_id = $1 AND organization_id = ANY($2::uuid[]) AND status = '${MembershipStatus.Active}' AND org_admin`,
    [reviewerId, organizationIds],
  );
  return new Set(rows.map((row) => row.organizationId));
}

/** The evidence each vote cites, per vote id, in evidence order. */
export async function evidenceOfVotes(dataSource: DataSource, voteIds: readonly string[]): Promise<Map<string, EvidenceEntity[]>> {
  const evidence = entityRows(dataSource, EvidenceEntity);
  const rows = await queryRows<ObjectLiteral>(
    dataSource.manager,
    `SELECT l.vote_id AS "voteId", ${evidence.columns('x', { prefix: 'evidence' })}
       FROM vote_evidence l JOIN "${evidence.table}" x ON x.id = l.evidence_id
      WHERE l.vote_id = ANY($1::uuid[]) ORDER BY x.created_at, x.id`,
    [voteIds],
  );
  const byVote = new Map<string, EvidenceEntity[]>();
  evidence.hydrate(rows, 'evidence').forEach((item, i) => {
    const voteId = rows[i].voteId as string;
    let cited = byVote.get(voteId);
    if (!cited) byVote.set(voteId, (cited = []));
    cited.push(item);
  });
  return byVote;
}

/** A reviewer's votes on the given claims. */
export function votesOfReviewer(dataSource: DataSource, reviewerId: string, claimIds: readonly string[]): Promise<VoteEntity[]> {
  const votes = entityRows(dataSource, VoteEntity);
  return hydrated(dataSource, votes, `SELECT ${votes.columns('x')} FROM "${votes.table}" x WHERE x.claim_id = ANY($1::uuid[]) AND x.reviewer_id = $2`, [
    claimIds,
    reviewerId,
  ]);
}

/** Claims per event and verdict status. */
export function verdictCounts(dataSource: DataSource, eventIds: readonly string[]): Promise<{ eventId: string; status: VerdictStatus; count: number }[]> {
  return queryRows(
    dataSource.manager,
    `SELECT event_id AS "eventId", verdict_status AS status, count(*) AS count FROM claims
      WHERE event_id = ANY($1::uuid[]) GROUP BY event_id, verdict_status`,
    [eventIds],
  );
}

/** A list of children under their parents (a claim's evidence, votes, verdict history). */
export interface ChildList<T extends ObjectLiteral> {
  entity: EntityTarget<T>;
  parentColumn: string;
  /** Log order (position) for the activity log; (created_at, id) otherwise. */
  logOrdered: boolean;
  /** A condition on the child (alias c) that every page of the list has. */
  condition?: string;
}

export const ChildLists = {
  evidence: { entity: EvidenceEntity, parentColumn: 'claim_id', logOrdered: false },
  votes: { entity: VoteEntity, parentColumn: 'claim_id', logOrdered: false },
  verdictHistory: { entity: ActivityEntity, parentColumn: 'claim_id', logOrdered: true, condition: `c.type = '${ActivityType.VerdictChanged}'` },
} satisfies Record<string, ChildList<ObjectLiteral>>;

/** One page's arguments, alike for every parent read together. */
export interface ChildPage {
  limit: number;
  /** The decoded cursor: [createdAtMs, id], or [eventId, position] in log order. */
  after: (string | number)[] | null;
  /** Evidence of this stance only. */
  stance?: string | null;
  /** The properties the page's rows are read for (entity-rows' `only`); all when absent. */
  only?: readonly string[] | null;
}

/**
 * Each parent's next `limit + 1` children after the cursor, in list order, in one statement: a
 * LATERAL subquery per parent.
 */
export function childPages<T extends ObjectLiteral>(dataSource: DataSource, list: ChildList<T>, page: ChildPage, parentIds: readonly string[]): Promise<T[]> {
  const reader = entityRows(dataSource, list.entity);
  const orderColumns = (alias: string) => (list.logOrdered ? `${alias}.position` : `${alias}.created_at, ${alias}.id`);
  const { values, param } = sqlParameters([parentIds, page.limit + 1]);
  const conditions = [`c.${list.parentColumn} = p.id`];
  if (list.condition) conditions.push(list.condition);
  if (page.stance) conditions.push(`c.stance = ${param(page.stance)}`);
  if (page.after && list.logOrdered) conditions.push(`c.position > ${param(page.after[1])}`);
  else if (page.after) {
    const afterAt = new Date(page.after[0] as number).toISOString();
    conditions.push(`(c.created_at, c.id) > (${param(afterAt)}::timestamptz, ${param(page.after[1])}::uuid)`);
  }
  const sql = `SELECT ${reader.columns('x', { only: page.only })} FROM unnest($1::uuid[]) AS p(id)
               CROSS JOIN LATERAL (SELECT * FROM "${reader.table}" c WHERE ${conditions.join(' AND ')}
                                    ORDER BY ${orderColumns('c')} LIMIT $2) x
               ORDER BY ${orderColumns('x')}`;
  return hydrated(dataSource, reader, sql, values);
}

async function hydrated<T extends ObjectLiteral>(dataSource: DataSource, reader: ReturnType<typeof entityRows<T>>, sql: string, values: unknown[]): Promise<T[]> {
  return reader.hydrate(await queryRows<ObjectLiteral>(dataSource.manager, sql, values));
}
