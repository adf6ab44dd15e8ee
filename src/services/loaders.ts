import DataLoader from 'dataloader';
import { DataSource, EntityTarget, In, ObjectLiteral } from 'typeorm';
import { ActivityEntity } from '../entities/activity.entity';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { VoteEntity } from '../entities/vote.entity';
import { ActivityType, type VerdictStatus } from '../generated/graphql';
import { EventStatsModel, statsFrom } from './event-stats';
import { queryRows } from '../db/transaction';

/** A page of children of one parent: up to `limit + 1` rows after the cursor, in list order. */
export interface ChildPageKey {
  parentId: string;
  limit: number;
  /** The decoded cursor: [createdAtMs, id] for evidence and votes, [eventId, position] for history. */
  after: (string | number)[] | null;
  stance?: string | null;
}

/**
 * The request's DataLoaders: every list below a list (a claim's evidence, votes, history) is
 * read in one statement per field for all parents at once, so a page of 5 or 50 claims costs
 * the same number of statements.
 */
export function createLoaders(dataSource: DataSource, viewer: ReviewerEntity | null) {
  const byId = <T extends ObjectLiteral & { id: string }>(entity: EntityTarget<T>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = await dataSource.getRepository(entity).findBy({ id: In([...ids]) } as never);
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

    evidencePage: () => childPages(dataSource, EvidenceEntity, 'claim_id', 'claimId', (key) =>
      key.stance ? { sql: 'stance = :stance', params: { stance: key.stance } } : null,
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
      const rows = await queryRows<{ voteId: string; evidenceId: string }>(
        dataSource.manager,
        `SELECT vote_id AS "voteId", evidence_id AS "evidenceId" FROM vote_evidence
          WHERE vote_id = ANY($1::uuid[])`,
        [voteIds],
      );
      const evidence = await dataSource.getRepository(EvidenceEntity).find({
        where: { id: In(rows.map((row) => row.evidenceId)) },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      return voteIds.map((voteId) =>
        evidence.filter((item) => rows.some((row) => row.voteId === voteId && row.evidenceId === item.id)),
      );
    }),
    viewerVote: () => new DataLoader<string, VoteEntity | null>(async (claimIds) => {
      if (!viewer) return claimIds.map(() => null);
      const votes = await dataSource.getRepository(VoteEntity).findBy({ claimId: In([...claimIds]), reviewerId: viewer.id });
      return claimIds.map((claimId) => votes.find((vote) => vote.claimId === claimId) ?? null);
    }),
    historyPage: () => childPages(dataSource, ActivityEntity, 'claim_id', 'claimId', () => ({
      sql: `type = '${ActivityType.VerdictChanged}'`,
      params: {},
    })),
    eventStats: () => new DataLoader<string, EventStatsModel>(async (eventIds) => {
      const rows = await queryRows<{ eventId: string; status: VerdictStatus; count: number }>(
        dataSource.manager,
        `SELECT event_id AS "eventId", verdict_status AS status, count(*) AS count FROM claims
          WHERE event_id = ANY($1::uuid[]) GROUP BY event_id, verdict_status`,
        [eventIds],
      );
      return eventIds.map((eventId) => statsFrom(rows.filter((row) => row.eventId === eventId)));
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
 * for the loaders it touches (bench B4: 14 unused DataLoaders were ~7 KB per subscription).
 */
function lazily<T extends Record<string, () => unknown>>(factories: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const made: Partial<Record<keyof T, unknown>> = {};
  const members = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const key of Object.keys(factories) as (keyof T)[]) {
    Object.defineProperty(members, key, { enumerable: true, get: () => (made[key] ??= factories[key]()) });
  }
  return members;
}

/**
 * Pages of children for many parents in one statement: a LATERAL subquery picks each parent's
 * next `limit + 1` ids in list order (created_at, id; or position for the log), and TypeORM
 * maps the rows. Keys with different page arguments are grouped, one statement per group.
 */
function childPages<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  parentColumn: string,
  parentProperty: keyof T & string,
  extraFilter: (key: ChildPageKey) => { sql: string; params: Record<string, unknown> } | null,
) {
  const repository = dataSource.getRepository(entity);
  const table = repository.metadata.tableName;
  const logOrdered = table === 'activity';
  const orderColumns = logOrdered ? 'position' : 'created_at, id';
  return new DataLoader<ChildPageKey, T[], string>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey[]>();
      for (const key of keys) {
        const group = JSON.stringify([key.limit, key.after, key.stance ?? null]);
        groups.set(group, [...(groups.get(group) ?? []), key]);
      }
      const pages = new Map<ChildPageKey, T[]>();
      for (const group of groups.values()) {
        const sample = group[0];
        const filter = extraFilter(sample);
        const conditions = [`c.${parentColumn} = p.id`];
        const params: Record<string, unknown> = { parents: group.map((key) => key.parentId), limit: sample.limit + 1 };
        if (filter) {
          conditions.push(`c.${filter.sql}`);
          Object.assign(params, filter.params);
        }
        if (sample.after && logOrdered) {
          conditions.push('c.position > :afterPosition');
          params.afterPosition = sample.after[1];
        } else if (sample.after) {
          conditions.push('(c.created_at, c.id) > (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))');
          params.afterAt = new Date(sample.after[0] as number).toISOString();
          params.afterId = sample.after[1];
        }
        const rows = await repository
          .createQueryBuilder('x')
          .where(
            `(x.${parentColumn}, ${logOrdered ? 'x.event_id, x.position' : 'x.id'}) IN (
              SELECT c.${parentColumn}, ${logOrdered ? 'c.event_id, c.position' : 'c.id'}
                FROM unnest(ARRAY[:...parents]::uuid[]) AS p(id)
                CROSS JOIN LATERAL (SELECT * FROM ${table} c WHERE ${conditions.join(' AND ')}
                                     ORDER BY ${orderColumns} LIMIT :limit) c)`,
            params,
          )
          .orderBy(logOrdered ? 'x.position' : 'x.created_at')
          .addOrderBy(logOrdered ? 'x.event_id' : 'x.id')
          .getMany();
        for (const key of group) pages.set(key, rows.filter((row) => row[parentProperty] === key.parentId));
      }
      return keys.map((key) => pages.get(key) ?? []);
    },
    { cacheKeyFn: (key) => JSON.stringify([key.parentId, key.limit, key.after, key.stance ?? null]) },
  );
}
