import type { DataSource, EntityTarget, ObjectLiteral, ValueTransformer } from 'typeorm';

/**
 * An entity read with plain SQL: TypeORM's metadata names the columns once, pg's type parsers
 * type the values, and each row becomes an instance of the entity's class. Only the
 * hand-written statements use it (the EventBoard's reads, the claims list, the vote path);
 * every other read is TypeORM's own.
 */
interface EntityRows<T> {
  table: string;
  /**
   * `alias."column" AS "property", ...` for every column TypeORM would select, or `only` those
   * of the given properties (an entity read for a few fields has only those); with a prefix,
   * `AS "prefix.property"`, so that one row can carry two entities.
   */
  columns(alias: string, options?: ColumnOptions): string;
  /** Rows selected with columns() (and the same prefix), as entities. */
  hydrate(rows: readonly ObjectLiteral[], prefix?: string): T[];
}

interface ColumnOptions {
  prefix?: string;
  /** Property names; all of the entity's when absent. */
  only?: readonly string[] | null;
}

const readers = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, EntityRows<ObjectLiteral>>>();

/** The reader of one entity on one data source, made once. */
export function entityRows<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>): EntityRows<T> {
  let ofSource = readers.get(dataSource);
  if (!ofSource) readers.set(dataSource, (ofSource = new Map()));
  let reader = ofSource.get(target);
  if (!reader) ofSource.set(target, (reader = makeReader(dataSource, target)));
  return reader as EntityRows<T>;
}

function makeReader<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>): EntityRows<T> {
  const metadata = dataSource.getMetadata(target);
  const selected = metadata.columns.filter((column) => column.isSelect);
  // A column of an embedded entity (the claim's verdict) is aliased by its path, "verdict.status",
  // and lands in the embedded object; `only` names the embedded property, "verdict", for all of them.
  const fields = selected.map((column) => ({
    column: column.databaseName,
    path: column.propertyPath,
    property: column.propertyName,
    embedded: column.embeddedMetadata?.propertyName,
    top: column.embeddedMetadata?.propertyName ?? column.propertyName,
    from: column.transformer ? valueFrom(column.transformer) : undefined,
  }));
  const flat = fields.every((field) => !field.embedded);
  const transformed = fields.filter((field) => field.from);
  const Entity = metadata.target as new () => T;
  const lists = new Map<string, string>();
  return {
    table: metadata.tableName,
    columns(alias, { prefix = '', only = null } = {}) {
      const key = `${alias} ${prefix} ${only?.join(',') ?? '*'}`;
      let list = lists.get(key);
      if (!list) {
        list = fields
          .filter((field) => !only || only.includes(field.top))
          .map((field) => `${alias}."${field.column}" AS "${prefixed(prefix, field.path)}"`)
          .join(', ');
        lists.set(key, list);
      }
      return list;
    },
    hydrate(rows, prefix = '') {
      return rows.map((row) => {
        const entity: ObjectLiteral = new Entity();
        if (!prefix && flat) {
          Object.assign(entity, row);
          for (const { property, from } of transformed) if (entity[property] !== undefined) entity[property] = from!(entity[property]);
          return entity as T;
        }
        for (const { path, property, embedded, from } of fields) {
          let value = row[prefixed(prefix, path)];
          if (value === undefined) continue;
          if (from) value = from(value);
          if (embedded) (entity[embedded] ??= {})[property] = value;
          else entity[property] = value;
        }
        return entity as T;
      });
    },
  };
}

function prefixed(prefix: string, property: string): string {
  return prefix ? `${prefix}.${property}` : property;
}

function valueFrom(transformer: ValueTransformer | ValueTransformer[]): (value: unknown) => unknown {
  const chain = Array.isArray(transformer) ? [...transformer].reverse() : [transformer];
  return (value) => chain.reduce((current, step) => step.from(current), value);
}
