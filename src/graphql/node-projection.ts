import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { ClaimEntity } from '../entities/claim.entity';
import type { EvidenceEntity } from '../entities/evidence.entity';
import type { VoteEntity } from '../entities/vote.entity';

/**
 * Which entity properties the fields of one GraphQL type read: `always` for every node (its id,
 * its parent's key), `cursor` when the client asks for a cursor (the list's sort keys), and per
 * field what that field's resolver reads. A field missing from `fields` reads the whole entity.
 */
export interface NodeProjection<T> {
  always: readonly (keyof T & string)[];
  cursor: readonly (keyof T & string)[];
  fields: Readonly<Record<string, readonly (keyof T & string)[]>>;
}

export const Projections = {
  claim: {
    always: ['id', 'eventId'],
    cursor: ['createdAt', 'verdict'],
    fields: {
      id: [],
      event: [],
      statement: ['statement'],
      context: ['context'],
      sourceUrl: ['sourceUrl'],
      language: ['language'],
      firstSeenAt: ['firstSeenAt'],
      submittedBy: ['submittedById'],
      createdAt: ['createdAt'],
      verdict: ['verdict'],
      evidence: [],
      votes: [],
      viewerVote: [],
      duplicateOf: ['duplicateOfId'],
      history: [],
      __typename: [],
    },
  } satisfies NodeProjection<ClaimEntity>,
  evidence: {
    always: ['id', 'claimId'],
    cursor: ['createdAt'],
    fields: {
      id: [],
      claim: [],
      stance: ['stance'],
      url: ['url'],
      title: ['title'],
      excerpt: ['excerpt'],
      submittedBy: ['submittedById'],
      createdAt: ['createdAt'],
      __typename: [],
    },
  } satisfies NodeProjection<EvidenceEntity>,
  vote: {
    always: ['id', 'claimId'],
    cursor: ['createdAt'],
    fields: {
      id: [],
      claim: [],
      reviewer: ['reviewerId'],
      rating: ['rating'],
      rationale: ['rationale'],
      counts: ['reviewerId'],
      evidence: [],
      createdAt: ['createdAt'],
      updatedAt: ['updatedAt'],
      __typename: [],
    },
  } satisfies NodeProjection<VoteEntity>,
};

const projected = new WeakMap<FieldNode, readonly string[] | null>();

/**
 * The properties a connection field's nodes (edges.node) are read for, fragments included, or
 * null for the whole entity. @skip and @include are not evaluated, so this may read a little
 * more than a request needs, never less. Worked out once per field of a parsed document: bench
 * B1's EventBoard read whole evidence and vote rows, a third of their values never used, and
 * parsed the creation time of every one for cursors it never asked for.
 */
export function nodeProperties<T>(info: GraphQLResolveInfo, projection: NodeProjection<T>): readonly string[] | null {
  const [field] = info.fieldNodes;
  if (info.fieldNodes.length > 1) return propertiesOf(info, projection);
  if (!projected.has(field)) projected.set(field, propertiesOf(info, projection));
  return projected.get(field)!;
}

function propertiesOf<T>(info: GraphQLResolveInfo, projection: NodeProjection<T>): readonly string[] | null {
  const edges = fieldsNamed('edges', info.fieldNodes, info.fragments);
  const nodes = fieldsNamed('node', edges, info.fragments);
  const properties = new Set<string>([...projection.always, ...(asksForCursor(info, edges) ? projection.cursor : [])]);
  for (const { name } of selectedFields(nodes, info.fragments)) {
    const read = projection.fields[name.value];
    if (!read) return null;
    for (const property of read) properties.add(property);
  }
  return [...properties].sort();
}

/** Whether the connection's edges or its pageInfo select a cursor. */
function asksForCursor(info: GraphQLResolveInfo, edges: readonly FieldNode[]): boolean {
  const pageInfo = fieldsNamed('pageInfo', info.fieldNodes, info.fragments);
  const pageCursors = selectedFields(pageInfo, info.fragments).filter(({ name }) => name.value === 'startCursor' || name.value === 'endCursor');
  return pageCursors.length > 0 || fieldsNamed('cursor', edges, info.fragments).length > 0;
}

function fieldsNamed(name: string, parents: readonly FieldNode[], fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  return selectedFields(parents, fragments).filter((field) => field.name.value === name);
}

/** The fields selected under `parents`, through fragment spreads and inline fragments. */
function selectedFields(parents: readonly FieldNode[], fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else visit(fragments[selection.name.value]?.selectionSet);
    }
  };
  for (const parent of parents) visit(parent.selectionSet);
  return fields;
}
