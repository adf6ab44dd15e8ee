import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { entityRows, selectEntities } from '../db/entity-rows';
import { sqlParameters } from '../db/sql-parameters';
import { ActivityEntity } from '../entities/activity.entity';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { MembershipEntity, OrganizationEntity } from '../entities/organization.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { VoteEntity } from '../entities/vote.entity';
import { ActivityType, MembershipStatus, Role, type VerdictStatus } from '../generated/graphql';
import { EventStatsModel, statsFrom } from './event-stats';
import { suspendedSql } from './standing';
import { queryRows } from '../db/transaction';

/** A page of children of one parent: up to `limit + 1` rows after the cursor, in list order. */
export interface ChildPageKey {
  parentId: string;
  limit: number;
  /** The decoded cursor: [createdAtMs, id] for evidence and votes, [eventId, position] for history. */
  after: (string | number)[] | null;
  stance?: string | null;
  /** The properties the page's nodes are read for (see entityRows' `only`); all when absent. */
  only?: readonly string[] | null;
}

/**
 * The request's DataLoaders: every list below a list (a claim's evidence, votes, history) is
 * read in one statement per field for all parents at once, so a page of 5 or 50 claims costs
 * the same number of statements.
 */
export function createLoaders(dataSource: DataSource, viewer: ReviewerEntity | null) {
  const byId = <T extends ObjectLiteral & { id: string }>(entity: EntityTarget<T>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = await selectEntities(dataSource.manager, entity, 'WHERE x.id = ANY($1::uuid[])', [ids]);
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });

  const countBy = (sql: string) =>
    new DataLoader<string, number, string>(async (keys) => {
      const rows = await queryRows<{ key: string; count: number }>(dataSource.manager, sql, [keys]);
      const counts = new Map(rows.map((row) => [row.key, row.count]));
      return keys.map((key) => counts.get(key) ?? 0);
    });

  return lazily({
    reviewer: () => byId(ReviewerEntity),
    event: () => byId(BreakingEventEntity),
    claim: () => byId(ClaimEntity),
    evidence: () => byId(EvidenceEntity),
    vote: () => byId(VoteEntity),
    organization: () => byId(OrganizationEntity),
    membership: () => byId(MembershipEntity),

    /** ACTIVE members per organisation. */
    memberCount: () => countBy(
      `SELECT organization_id::text AS key, count(*) AS count FROM memberships
        WHERE organization_id = ANY($1::uuid[]) AND status = '${MembershipStatus.Active}' GROUP BY organization_id`,
    ),
    /** The organisation in which each reviewer is an ACTIVE member, if any. */
    activeOrganization: () => new DataLoader<string, OrganizationEntity | null>(async (reviewerIds) => {
      const organizations = entityRows(dataSource, OrganizationEntity);
      const rows = await queryRows<ObjectLiteral>(
        dataSource.manager,
        `SELECT m.reviewer_id AS "reviewerId", ${organizations.columns('x', { prefix: 'organization' })}
           FROM memberships m JOIN "${organizations.table}" x ON x.id = m.organization_id
          WHERE m.reviewer_id = ANY($1::uuid[]) AND m.status = '${MembershipStatus.Active}'`,
        [reviewerIds],
      );
      const found = organizations.hydrate(rows, 'organization');
      return reviewerIds.map((reviewerId) => found.find((_, i) => rows[i].reviewerId === reviewerId) ?? null);
    }),
    /** Each reviewer's current membership: a SUSPENDED one first, then the ACTIVE one, then the newest REQUESTED. */
    currentMembership: () => new DataLoader<string, MembershipEntity | null>(async (reviewerIds) => {
      const memberships = await selectEntities(
        dataSource.manager,
        MembershipEntity,
        `WHERE x.reviewer_id = ANY($1::uuid[]) AND x.status <> '${MembershipStatus.Declined}'
         ORDER BY array_position(ARRAY['${MembershipStatus.Suspended}', '${MembershipStatus.Active}', '${MembershipStatus.Requested}'], x.status),
                  x.updated_at DESC, x.id`,
        [reviewerIds],
      );
      return reviewerIds.map((reviewerId) => memberships.find((membership) => membership.reviewerId === reviewerId) ?? null);
    }),
    /** Each reviewer's role and whether any membership of theirs is SUSPENDED: what decides whether their votes count. */
    voterStanding: () => new DataLoader<string, { role: Role; suspended: boolean }>(async (reviewerIds) => {
      const rows = await queryRows<{ id: string; role: Role; suspended: boolean }>(
        dataSource.manager,
        `SELECT r.id, r.role, ${suspendedSql('r.id')} AS suspended
           FROM reviewers r WHERE r.id = ANY($1::uuid[])`,
        [reviewerIds],
      );
      return reviewerIds.map((id) => rows.find((row) => row.id === id) ?? { role: Role.Observer, suspended: false });
    }),
    /** Whether the viewer is an ACTIVE orgAdmin member of each organisation. */
    viewerAdministers: () => new DataLoader<string, boolean>(async (organizationIds) => {
      if (!viewer) return organizationIds.map(() => false);
      const rows = await queryRows<{ organizationId: string }>(
        dataSource.manager,
        `SELECT organization_id AS "organizationId" FROM memberships
          WHERE reviewer_id = $1 AND organization_id = ANY($2::uuid[]) AND status = '${MembershipStatus.Active}' AND org_admin`,
        [viewer.id, organizationIds],
      );
      return organizationIds.map((organizationId) => rows.some((row) => row.organizationId === organizationId));
    }),

    evidencePage: () => childPages(dataSource, EvidenceEntity, 'claim_id', 'claimId', (key, param) =>
      key.stance ? `c.stance = ${param(key.stance)}` : null,
    ),
    /** Keys: `claimId` or `claimId:STANCE`. */
    evidenceCount: () => countBy(
      `SELECT k AS key, (SELECT count(*) FROM evidence e
                          WHERE e.claim_id = split_part(k, ':', 1)::uuid
                            AND (split_part(k, ':', 2) = '' OR e.stance = split_part(k, ':', 2))) AS count
         FROM unnest($1::text[]) AS k`,
    ),
    votesPage: () => childPages(dataSource, VoteEntity, 'claim_id', 'claimId', () => null),
    votesCount: () => countBy(
      `SELECT claim_id::text AS key, count(*) AS count FROM votes WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`,
    ),
    voteEvidence: () => new DataLoader<string, EvidenceEntity[]>(async (voteIds) => {
      const evidence = entityRows(dataSource, EvidenceEntity);
      const rows = await queryRows<ObjectLiteral>(
        dataSource.manager,
        `SELECT l.vote_id AS "voteId", ${evidence.columns('x', { prefix: 'evidence' })}
           FROM vote_evidence l JOIN "${evidence.table}" x ON x.id = l.evidence_id
          WHERE l.vote_id = ANY($1::uuid[]) ORDER BY x.created_at, x.id`,
        [voteIds],
      );
      const items = evidence.hydrate(rows, 'evidence');
      return voteIds.map((voteId) => items.filter((_, i) => rows[i].voteId === voteId));
    }),
    viewerVote: () => new DataLoader<string, VoteEntity | null>(async (claimIds) => {
      if (!viewer) return claimIds.map(() => null);
      const votes = await selectEntities(dataSource.manager, VoteEntity, 'WHERE x.claim_id = ANY($1::uuid[]) AND x.reviewer_id = $2', [
        claimIds,
        viewer.id,
      ]);
      return claimIds.map((claimId) => votes.find((vote) => vote.claimId === claimId) ?? null);
    }),
    historyPage: () => childPages(dataSource, ActivityEntity, 'claim_id', 'claimId', () => `c.type = '${ActivityType.VerdictChanged}'`),
    eventStats: () => new DataLoader<string, EventStatsModel>(async (eventIds) => {
      const rows = await queryRows<{ eventId: string; status: VerdictStatus; count: number }>(
        dataSource.manager,
        `SELECT event_id AS "eventId", verdict_status AS status, count(*) AS count FROM claims
          WHERE event_id = ANY($1::uuid[]) GROUP BY event_id, verdict_status`,
        [eventIds],
      );
      return eventIds.map((eventId) => statsFrom(rows.filter((row) => row.eventId === eventId)));
    }),
    /** The position of each event's newest committed log entry; 0 while its log is empty. */
    logHead: () => new DataLoader<string, number>(async (eventIds) => {
      const rows = await queryRows<{ eventId: string; position: number }>(
        dataSource.manager,
        'SELECT event_id AS "eventId", position FROM event_log_heads WHERE event_id = ANY($1::uuid[])',
        [eventIds],
      );
      const heads = new Map(rows.map((row) => [row.eventId, Number(row.position)]));
      return eventIds.map((eventId) => heads.get(eventId) ?? 0);
    }),
    historyCount: () => countBy(
      `SELECT claim_id::text AS key, count(*) AS count FROM activity
        WHERE claim_id = ANY($1::uuid[]) AND type = '${ActivityType.VerdictChanged}' GROUP BY claim_id`,
    ),
  });
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * An object whose members are made on first use: a request (or an idle subscription) pays only
 * for the loaders it touches (bench B4: 14 unused DataLoaders were ~7 KB per subscription). The
 * getters live on a prototype made once per set of names, not on each request's object.
 */
function lazily<T extends Record<string, () => unknown>>(factories: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const names = Object.keys(factories);
  const key = names.join(' ');
  let prototype = lazyPrototypes.get(key);
  if (!prototype) lazyPrototypes.set(key, (prototype = lazyPrototype(names)));
  const members = Object.create(prototype) as LazyMembers;
  members.factories = factories;
  members.made = {};
  return members as unknown as { readonly [K in keyof T]: ReturnType<T[K]> };
}

interface LazyMembers {
  factories: Record<string, () => unknown>;
  made: Record<string, unknown>;
}

const lazyPrototypes = new Map<string, object>();

function lazyPrototype(names: readonly string[]): object {
  const prototype = {};
  for (const name of names) {
    Object.defineProperty(prototype, name, {
      enumerable: true,
      get(this: LazyMembers) {
        return (this.made[name] ??= this.factories[name]());
      },
    });
  }
  return prototype;
}

/**
 * Pages of children for many parents in one statement: a LATERAL subquery picks each parent's
 * next `limit + 1` rows in list order (created_at, id; or position for the log). Keys with
 * different page arguments or properties are grouped, one statement per group. `extraFilter` adds a
 * condition on the child (alias c), its values passed through `param`.
 */
function childPages<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  parentColumn: string,
  parentProperty: keyof T & string,
  extraFilter: (key: ChildPageKey, param: (value: unknown) => string) => string | null,
) {
  const reader = entityRows(dataSource, entity);
  const logOrdered = reader.table === 'activity';
  const orderColumns = (alias: string) => (logOrdered ? `${alias}.position` : `${alias}.created_at, ${alias}.id`);
  const pageOf = async (sample: ChildPageKey, parentIds: string[]): Promise<T[]> => {
    const { values, param } = sqlParameters([parentIds, sample.limit + 1]);
    const conditions = [`c.${parentColumn} = p.id`];
    const filter = extraFilter(sample, param);
    if (filter) conditions.push(filter);
    if (sample.after && logOrdered) conditions.push(`c.position > ${param(sample.after[1])}`);
    else if (sample.after) {
      const afterAt = new Date(sample.after[0] as number).toISOString();
      conditions.push(`(c.created_at, c.id) > (${param(afterAt)}::timestamptz, ${param(sample.after[1])}::uuid)`);
    }
    const sql = `SELECT ${reader.columns('x', { only: sample.only })} FROM unnest($1::uuid[]) AS p(id)
                 CROSS JOIN LATERAL (SELECT * FROM "${reader.table}" c WHERE ${conditions.join(' AND ')}
                                      ORDER BY ${orderColumns('c')} LIMIT $2) x
                 ORDER BY ${orderColumns('x')}`;
    return reader.hydrate(await queryRows(dataSource.manager, sql, values));
  };
  // Not cached: a key is made of arrays and cursors, and building and hashing a string for each
  // (40 per EventBoard) cost more than the rare page asked for twice, which is read once here.
  return new DataLoader<ChildPageKey, T[]>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey[]>();
      for (const key of keys) {
        const page = pageArguments(key);
        let group = groups.get(page);
        if (!group) groups.set(page, (group = []));
        group.push(key);
      }
      const pages = new Map<ChildPageKey, T[]>();
      for (const group of groups.values()) {
        const byParent = new Map(group.map((key) => [key.parentId, [] as T[]]));
        for (const row of await pageOf(group[0], [...byParent.keys()])) byParent.get(row[parentProperty] as string)?.push(row);
        for (const key of group) pages.set(key, byParent.get(key.parentId)!);
      }
      return keys.map((key) => pages.get(key) ?? []);
    },
    { cache: false },
  );
}

/**
 * What a page asks for besides its parent: keys alike in this are read in one statement. Made
 * for every key of every list (40 per EventBoard), so built plainly: no part holds a space, and
 * a property list, shared by all the keys of one field, is joined once.
 */
function pageArguments(key: ChildPageKey): string {
  return `${key.limit} ${key.after?.join(',') ?? '-'} ${key.stance ?? '-'} ${key.only ? joinedOnce(key.only) : '*'}`;
}

const joined = new WeakMap<readonly string[], string>();

function joinedOnce(properties: readonly string[]): string {
  let text = joined.get(properties);
  if (text === undefined) joined.set(properties, (text = properties.join(',')));
  return text;
}
