import { collectSubFields, getDirective, type VariableValues } from '@graphql-tools/utils';
import { getNamedType, isObjectType, type FieldNode, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { getMetadataArgsStorage } from 'typeorm';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { VoteEntity } from '../entities/vote.entity';

/**
 * How a list reads its nodes' rows: `always` for every node (its id, its parent's key), `cursor`
 * when the client asks for a cursor (the list's sort keys). What each field of the node reads is
 * declared on the field in the SDL (@reads, schema/directives.graphql), see `fieldReads`.
 */
export interface NodeProjection<T> {
  entity: abstract new () => T;
  always: readonly (keyof T & string)[];
  cursor: readonly (keyof T & string)[];
}

export const Projections = {
  claim: { entity: ClaimEntity, always: ['id', 'eventId'], cursor: ['createdAt', 'verdict'] } satisfies NodeProjection<ClaimEntity>,
  evidence: { entity: EvidenceEntity, always: ['id', 'claimId'], cursor: ['createdAt'] } satisfies NodeProjection<EvidenceEntity>,
  vote: { entity: VoteEntity, always: ['id', 'claimId'], cursor: ['createdAt'] } satisfies NodeProjection<VoteEntity>,
};

/** The SDL's mark of what a field's resolver reads from its row (schema/directives.graphql). */
const reads = 'reads';

/**
 * The entity properties the field reads: those its @reads names; unmarked, the property of its
 * own name (what the default resolver reads), or null (the whole row) when the entity has none.
 */
export function fieldReads(schema: GraphQLSchema, type: GraphQLObjectType, fieldName: string, entity: abstract new () => unknown): readonly string[] | null {
  const [mark] = getDirective(schema, type.getFields()[fieldName], reads) ?? [];
  if (mark) return mark.properties as string[];
  return entityProperties(entity).has(fieldName) ? [fieldName] : null;
}

/** The stored properties of an entity class, inherited and embedded ones included. */
export function entityProperties(entity: abstract new () => unknown): ReadonlySet<string> {
  const lineage: Function[] = [];
  for (let target: Function = entity; target !== Function.prototype; target = Object.getPrototypeOf(target)) lineage.push(target);
  const storage = getMetadataArgsStorage();
  return new Set([...storage.filterColumns(lineage), ...storage.filterEmbeddeds(lineage)].map((column) => column.propertyName));
}

/** Per list field of a parsed document and per request's variables: what its nodes are read for. */
const projected = new WeakMap<FieldNode, WeakMap<object, readonly string[] | null>>();

/**
 * The properties a connection field's nodes (edges.node) are read for, fragments included and
 * @skip/@include applied, or null for the whole entity. Bench B1's EventBoard read whole evidence
 * and vote rows, a third of their values never used, and parsed the creation time of every one
 * for cursors it never asked for.
 */
export function nodeProperties<T>(info: GraphQLResolveInfo, projection: NodeProjection<T>): readonly string[] | null {
  const [field] = info.fieldNodes;
  const byVariables = projected.get(field) ?? new WeakMap<object, readonly string[] | null>();
  projected.set(field, byVariables);
  if (info.fieldNodes.length > 1 || !byVariables.has(info.variableValues)) byVariables.set(info.variableValues, propertiesOf(info, projection));
  return byVariables.get(info.variableValues)!;
}

function propertiesOf<T>(info: GraphQLResolveInfo, projection: NodeProjection<T>): readonly string[] | null {
  const walk: Walk = { info, variables: { coerced: info.variableValues, sources: {} } };
  const connection = selected(walk, getNamedType(info.returnType), [...info.fieldNodes]);
  const edges = connection.get('edges');
  const nodes = edges?.selections.get('node');
  const asksForCursor = Boolean(edges?.selections.has('cursor') || connection.get('pageInfo')?.selections.has('startCursor') || connection.get('pageInfo')?.selections.has('endCursor'));
  const properties = new Set<string>([...projection.always, ...(asksForCursor ? projection.cursor : [])]);
  if (nodes) {
    for (const name of nodes.selections.keys()) {
      if (name === '__typename') continue;
      const read = fieldReads(info.schema, nodes.type, name, projection.entity);
      if (!read) return null;
      for (const property of read) properties.add(property);
    }
  }
  return [...properties].sort();
}

interface Selected {
  type: GraphQLObjectType;
  selections: Map<string, Selected>;
}

interface Walk {
  info: GraphQLResolveInfo;
  variables: VariableValues;
}

/** The fields selected under `fieldNodes` on `type`, by field name (aliases merged), two levels deep. */
function selected(walk: Walk, type: unknown, fieldNodes: FieldNode[], depth = 0): Map<string, Selected> {
  const byName = new Map<string, Selected>();
  if (!isObjectType(type)) return byName;
  const { fields } = collectSubFields(walk.info.schema, walk.info.fragments, walk.variables, type, fieldNodes);
  for (const nodes of fields.values()) {
    const name = nodes[0].name.value;
    const fieldType = getNamedType(type.getFields()[name]?.type);
    const below = depth < 2 && isObjectType(fieldType) ? selected(walk, fieldType, nodes, depth + 1) : new Map();
    const seen = byName.get(name);
    if (seen) for (const [key, value] of below) seen.selections.set(key, value);
    else byName.set(name, { type: fieldType as GraphQLObjectType, selections: below });
  }
  return byName;
}
