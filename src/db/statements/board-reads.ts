import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { ActivityEntity } from '../../entities/activity.entity';
import { EvidenceEntity } from '../../entities/evidence.entity';
import { VoteEntity } from '../../entities/vote.entity';
import { ActivityType, type VerdictStatus } from '../../generated/schema-types';
import { sqlParameters } from './sql-parameters';
import { entityRows } from './entity-rows';
import { queryRows } from './rows';

/**
 * The EventBoard's reads behind the request's DataLoaders, written by hand: an entity by id, a
 * claim's children in pages, keyed counts, verdict counts. Each takes a
 * batch of keys and answers for all of them in one statement; entities are read through their
 * metadata (entity-rows.ts), so their column lists cannot drift.
 */

/** Rows of an entity by id, any order; only the given properties when `only` is set. */
export function entitiesById<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, ids: readonly string[]): Promise<T[]> {
  const reader = entityRows(dataSource, entity);
  return hydrated(dataSource, reader, `SELECT ${reader.columns('x')} FROM "${reader.table}" x WHERE x.id = ANY($1::uuid[])`, [ids]);
}

/** What a keyed count counts. */
export const Counted = {
  /** Evidence per `claimId` or `claimId:STANCE`. */
  evidence: `SELECT k AS key, (SELECT count(*) FROM evidence e
                                WHERE e.claim_id = split_part(k, ':', 1)::uuid
                                  AND (split_part(k, ':', 2) = '' OR e.stance = split_part(k, ':', 2))) AS count
               FROM unnest($1::text[]) AS k`,
  /** Votes per claim id. */
  votes: `SELECT claim_id::text AS key, count(*) AS count FROM votes WHERE claim_id = ANY($1::uuid[]) GROUP BY claim_id`,
} as const;

/** Counts per key; a key with nothing counted is absent. */
export async function countsByKey(dataSource: DataSource, counted: (typeof Counted)[keyof typeof Counted], keys: readonly string[]): Promise<Map<string, number>> {
  const rows = await queryRows<{ key: string; count: number }>(dataSource.manager, counted, [keys]);
  return new Map(rows.map((row) => [row.key, row.count]));
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
