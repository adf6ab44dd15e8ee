import { collectFields, collectSubFields } from '@graphql-tools/utils';
import {
  getNamedType,
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  print,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { isViewerDependent } from './viewer-dependent';

/** What of an operation decides its live group, apart from the viewer and the variables' values. */
interface OperationShape {
  /** The document's text, the same for equal documents parsed apart. */
  text: string;
  /** Whether a result may depend on who asks: it selects a field marked @viewerDependent. */
  personal: boolean;
  /** Variables that may change a result: those used below the root fields, or all of them (see {@link walked}). */
  variables: ReadonlySet<string>;
}

const shapes = new WeakMap<DocumentNode, Map<string | null, OperationShape>>();

/**
 * An operation's shape, worked out once per (shared) document and operation, not for every
 * subscriber. Only the operation that runs and the fragments it
 * reaches count: a document may hold other operations (front ends send one file of them),
 * whose fields and variables say nothing about this one. The server refuses a document whose
 * operation it cannot identify before it subscribes.
 */
export function operationShape(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): OperationShape {
  let ofDocument = shapes.get(document);
  if (!ofDocument) shapes.set(document, (ofDocument = new Map()));
  let shape = ofDocument.get(operationName);
  if (!shape) {
    const text = ofDocument.values().next().value?.text ?? print(document);
    shape = { text, ...walked(schema, document, operationName) };
    ofDocument.set(operationName, shape);
  }
  return shape;
}

/**
 * What the operation's selections tell, walked with @graphql-tools/utils' collectFields (the
 * project's one walker over documents) and no variables. Where a variable decides whether a
 * field is selected (@include or @skip), that walk fails, since the spec makes a required
 * argument whose variable has no value an error: the shape then holds for any variables only if
 * it assumes the worst, so the result counts as personal and every variable counts.
 */
function walked(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): Omit<OperationShape, 'text'> {
  const operation = getOperationAST(document, operationName)!;
  const root = schema.getRootType(operation.operation)!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const walk: Walk = { schema, fragments, personal: false, variables: new Set() };
  try {
    // The root fields' arguments (event, claim, cursor) choose which entries a subscriber gets,
    // never what an entry's result holds: they are left out, so subscribers resuming from
    // different cursors share a group.
    const { fields } = collectFields(schema, fragments, noVariables, root, operation.selectionSet);
    for (const nodes of fields.values()) walkField(walk, root, nodes, false);
    return { personal: walk.personal, variables: walk.variables };
  } catch {
    const every = (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value);
    return { personal: true, variables: new Set(every) };
  }
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  personal: boolean;
  variables: Set<string>;
}

const noVariables = { coerced: {}, sources: {} };

/** Notes what the field (its merged nodes, on `parent`) and everything selected below it tell. */
function walkField(walk: Walk, parent: GraphQLObjectType, nodes: FieldNode[], argumentsCount = true): void {
  const field = parent.getFields()[nodes[0].name.value];
  if (!field) return; // __typename
  if (isViewerDependent(walk.schema, field)) walk.personal = true;
  if (argumentsCount) for (const node of nodes) for (const argument of node.arguments ?? []) addVariables(walk.variables, argument.value);
  const type = getNamedType(field.type);
  const runtimeTypes = isAbstractType(type) ? walk.schema.getPossibleTypes(type) : isObjectType(type) ? [type] : [];
  for (const runtimeType of runtimeTypes) {
    const { fields } = collectSubFields(walk.schema, walk.fragments, noVariables, runtimeType, nodes);
    for (const below of fields.values()) walkField(walk, runtimeType, below);
  }
}

function addVariables(found: Set<string>, value: ValueNode): void {
  if (value.kind === Kind.VARIABLE) found.add(value.name.value);
  else if (value.kind === Kind.LIST) for (const item of value.values) addVariables(found, item);
  else if (value.kind === Kind.OBJECT) for (const field of value.fields) addVariables(found, field.value);
}
