import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { selectEntities } from '../db/entity-rows';
import { SqlParameters, sqlParameters } from '../db/sql-parameters';
import { queryRows } from '../db/transaction';
import type { RequestContext } from './request-context';

/** Conditions on a list's rows (alias x), with their parameters. */
export interface ListFilter extends SqlParameters {
  conditions: string[];
}

export function listFilter(): ListFilter {
  return { ...sqlParameters(), conditions: [] };
}

/**
 * One page of a list sorted by (sortColumn, id) descending: up to limit + 1 rows after the
 * cursor's key (with `only` some properties, if given), and the filtered count, read only when
 * asked. Plain SQL (see entity-rows.ts).
 */
export async function descendingPage<T extends ObjectLiteral>(
  ctx: RequestContext,
  entity: EntityTarget<T>,
  filter: ListFilter,
  sortColumn: string,
  request: { limit: number; after: (string | number)[] | null },
  only: readonly string[] | null = null,
): Promise<{ rows: T[]; count: () => Promise<number> }> {
  const { dataSource } = ctx.app;
  const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
  const page = sqlParameters(filter.values);
  const conditions = [...filter.conditions];
  if (request.after) {
    const [afterMs, afterId] = request.after;
    conditions.push(`(x.${sortColumn}, x.id) < (${page.param(new Date(afterMs as number).toISOString())}::timestamptz, ${page.param(afterId)}::uuid)`);
  }
  const rows = await selectEntities(
    dataSource.manager,
    entity,
    `${where(conditions)} ORDER BY x.${sortColumn} DESC, x.id DESC LIMIT ${page.param(request.limit + 1)}`,
    page.values,
    only,
  );
  const count = async () => {
    const [{ count }] = await queryRows<{ count: number }>(
      dataSource.manager,
      `SELECT count(*) AS count FROM "${dataSource.getMetadata(entity).tableName}" x ${where(filter.conditions)}`,
      filter.values,
    );
    return count;
  };
  return { rows, count };
}
