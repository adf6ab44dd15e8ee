import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { SqlParameters, sqlParameters } from './sql-parameters';
import { inTransaction } from '../transaction';
import { entityRows } from './entity-rows';
import { queryRows } from './rows';

/*
 * A page of claims, written by hand: the EventBoard's claims, and a search's, which ranks and
 * pages them with expressions TypeORM's builder does not hold.
 */

/** Conditions on a list's rows (alias x), with their parameters. */
export interface ListFilter extends SqlParameters {
  conditions: string[];
  /**
   * An integer expression over x that sorts ahead of the list's own order, lowest first (a
   * search's closest matches first), or null. The page's ranks come back beside its rows.
   */
  rank: string | null;
  /** Settings the conditions need, in force for their statements alone (set_config, local to a transaction). */
  settings: Record<string, string>;
}

export function listFilter(): ListFilter {
  return { ...sqlParameters(), conditions: [], rank: null, settings: {} };
}

/** A page of rows, each row's rank (0 for every row when the filter ranks nothing), and the filtered count, read when asked. */
interface ListPage<T> {
  rows: T[];
  rankOf: (row: T) => number;
  count: () => Promise<number>;
}

/**
 * One page of a list sorted by the filter's rank, if any, ascending, then by (`sortedBy`, a
 * timestamp property of the entity, and id) descending: up to limit + 1 rows after the cursor's
 * key ([rank,] time, id), with `only` some properties, if given; and the filtered count, read
 * only when asked.
 */
export async function descendingPage<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  filter: ListFilter,
  sortedBy: string,
  request: { limit: number; after: (string | number)[] | null },
  only: readonly string[] | null = null,
): Promise<ListPage<T>> {
  const reader = entityRows(dataSource, entity);
  const sortColumn = columnOf(dataSource, entity, sortedBy);
  const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
  const page = sqlParameters(filter.values);
  const conditions = [...filter.conditions];
  const rank = filter.rank;
  if (request.after) {
    const [afterMs, afterId] = request.after.slice(rank ? 1 : 0);
    const key = `(x.${sortColumn}, x.id) < (${page.param(new Date(afterMs as number).toISOString())}::timestamptz, ${page.param(afterId)}::uuid)`;
    if (rank) {
      const afterRank = page.param(request.after[0]);
      conditions.push(`((${rank}) > ${afterRank} OR ((${rank}) = ${afterRank} AND ${key}))`);
    } else {
      conditions.push(key);
    }
  }
  const rankColumn = rank ? `, (${rank}) AS "listRank"` : '';
  const order = `${rank ? '"listRank", ' : ''}x.${sortColumn} DESC, x.id DESC`;
  const raw = await withSettings(dataSource, filter.settings, (manager) =>
    queryRows<ObjectLiteral>(
      manager,
      `SELECT ${reader.columns('x', { only })}${rankColumn} FROM "${reader.table}" x ${where(conditions)}
       ORDER BY ${order} LIMIT ${page.param(request.limit + 1)}`,
      page.values,
    ),
  );
  const rows = reader.hydrate(rank ? raw.map(({ listRank: _, ...columns }) => columns) : raw);
  const ranks = rank ? new Map(rows.map((row, i) => [row, Number(raw[i].listRank)])) : null;
  const count = async () => {
    const [{ count }] = await withSettings(dataSource, filter.settings, (manager) =>
      queryRows<{ count: number }>(manager, `SELECT count(*) AS count FROM "${reader.table}" x ${where(filter.conditions)}`, filter.values),
    );
    return count;
  };
  return { rows, rankOf: (row) => ranks?.get(row) ?? 0, count };
}

/** Runs the read with the settings in force: in a transaction of its own when there are any, as set_config(..., true) lasts a transaction. */
async function withSettings<R>(dataSource: DataSource, settings: Record<string, string>, read: (manager: EntityManager) => Promise<R>): Promise<R> {
  const names = Object.keys(settings);
  if (!names.length) return read(dataSource.manager);
  return inTransaction(dataSource, async (tx) => {
    const values = sqlParameters();
    const calls = names.map((name) => `set_config(${values.param(name)}, ${values.param(settings[name])}, true)`);
    await queryRows(tx, `SELECT ${calls.join(', ')}`, values.values);
    return read(tx);
  });
}

/** The column behind an entity's property (a path such as 'verdict.updatedAt' for an embedded one). */
function columnOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, propertyPath: string): string {
  const column = dataSource.getMetadata(entity).findColumnWithPropertyPath(propertyPath);
  if (!column) throw new Error(`no column for ${propertyPath}`);
  return column.databaseName;
}
