import { collectSubFields, getDirective, type VariableValues } from '@graphql-tools/utils';
import {
  getNamedType,
  isObjectType,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { getMetadataArgsStorage } from 'typeorm';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { VoteEntity } from '../entities/vote.entity';
import { ListOrders } from '../services/list-orders';
import type { ListOrder } from '../services/pagination';

/**
 * How a list reads its nodes' rows: `always` for every node (its id, its parent's key), and, when
 * the client asks for a cursor, what the sort keys of the `orders` it may be listed in read
 * (ListOrders declares them). What each field of the node reads is declared on the field in the
 * SDL (@reads, schema/directives.graphql), see `fieldReads`.
 */
interface NodeProjection<T> {
  entity: abstract new () => T;
  always: readonly (keyof T & string)[];
  orders: readonly ListOrder<T>[];
}

export const Projections = {
  claim: { entity: ClaimEntity, always: ['id', 'eventId'], orders: [ListOrders.claimsNewest, ListOrders.claimsRecentlyUpdated] } satisfies NodeProjection<ClaimEntity>,
  evidence: { entity: EvidenceEntity, always: ['id', 'claimId'], orders: [ListOrders.evidenceOldest] } satisfies NodeProjection<EvidenceEntity>,
  vote: { entity: VoteEntity, always: ['id', 'claimId'], orders: [ListOrders.votesOldest] } satisfies NodeProjection<VoteEntity>,
};

/** The properties a list's cursor reads, in whichever of its orders it is listed. */
export function cursorReads(projection: { orders: readonly ListOrder<never>[] }): readonly string[] {
  return [...new Set(projection.orders.flatMap((order) => order.reads))];
}

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

/**
 * What a list field's nodes are read for, per field of a parsed document (Apollo and the
 * WebSocket server each keep one parse per query text): its nodes, merged, say where in the
 * document it stands, also under an interface, where a response path would not. Worked out
 * once, or, when an @include or @skip below the field takes a variable, once per request's
 * variables.
 */
const projected = new WeakMap<FieldNode, ProjectedField[]>();

interface ProjectedField {
  fieldNodes: readonly FieldNode[];
  returnType: GraphQLOutputType;
  projection: NodeProjection<unknown>;
  /** The properties, the same for any variables; absent when variables decide them (byVariables). */
  fixed?: readonly string[] | null;
  byVariables?: WeakMap<object, readonly string[] | null>;
}

/**
 * The properties a connection field's nodes (edges.node) are read for, fragments included and
 * @skip/@include applied, or null for the whole entity: a list reads the columns its query
 * shows, and its sort keys only when a cursor is asked for.
 */
export function nodeProperties<T>(info: GraphQLResolveInfo, projection: NodeProjection<T>): readonly string[] | null {
  const field = projectedField(info, projection as NodeProjection<unknown>);
  if (!field.byVariables) return field.fixed!;
  let properties = field.byVariables.get(info.variableValues);
  if (properties === undefined) field.byVariables.set(info.variableValues, (properties = propertiesOf(info, projection, info.variableValues)));
  return properties;
}

function projectedField(info: GraphQLResolveInfo, projection: NodeProjection<unknown>): ProjectedField {
  const { fieldNodes, returnType } = info;
  let known = projected.get(fieldNodes[0]);
  if (!known) projected.set(fieldNodes[0], (known = []));
  const same = (field: ProjectedField) =>
    field.returnType === returnType &&
    field.projection === projection &&
    field.fieldNodes.length === fieldNodes.length &&
    field.fieldNodes.every((node, i) => node === fieldNodes[i]);
  let field = known.find(same);
  if (!field) {
    field = { fieldNodes: [...fieldNodes], returnType, projection };
    const fixed = propertiesForAnyVariables(info, projection);
    if (fixed === undefined) field.byVariables = new WeakMap();
    else field.fixed = fixed;
    known.push(field);
  }
  return field;
}

/**
 * What a list's nodes are read for whatever the variables, or undefined when variables decide it:
 * a walk given none fails where an @include or @skip takes one (the spec makes a required argument
 * whose variable has no value an error), and succeeds, with the answer for any variables, where
 * none does.
 */
function propertiesForAnyVariables(info: GraphQLResolveInfo, projection: NodeProjection<unknown>): readonly string[] | null | undefined {
  try {
    return propertiesOf(info, projection, {});
  } catch {
    return undefined;
  }
}

function propertiesOf<T>(info: GraphQLResolveInfo, projection: NodeProjection<T>, variables: Record<string, unknown>): readonly string[] | null {
  const walk: Walk = { info, variables: { coerced: variables, sources: {} } };
  const connection = selected(walk, getNamedType(info.returnType), [...info.fieldNodes]);
  const edges = connection.get('edges');
  const nodes = edges?.selections.get('node');
  const asksForCursor = Boolean(edges?.selections.has('cursor') || connection.get('pageInfo')?.selections.has('startCursor') || connection.get('pageInfo')?.selections.has('endCursor'));
  const properties = new Set<string>([...projection.always, ...(asksForCursor ? cursorReads(projection) : [])]);
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
