import {
  getOperationAST,
  Kind,
  print,
  TypeInfo,
  ValidationContext,
  visit,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableNode,
} from 'graphql';
import type { Viewer } from '../services/viewer';
import { selectsViewerDependentField } from './viewer-dependent';

/**
 * Which group a subscriber joins: subscribers whose operations give the same result for an
 * entry share one (same document, same variables apart from the root field's own arguments,
 * same visibility). The root field's arguments (event, claim, cursor) choose which entries a
 * subscriber gets, never what an entry's result holds, so subscribers resuming from different
 * cursors share.
 */
export function groupKey(args: ExecutionArgs, viewer: Viewer | null): string {
  const shape = operationShape(args.schema, args.document, args.operationName ?? null);
  const visibility = !viewer ? 'anonymous' : shape.personal ? `member:${viewer.id}:${viewer.role}` : 'member';
  const variables = Object.entries(args.variableValues ?? {}).filter(([name]) => shape.variables.has(name));
  return JSON.stringify([shape.text, args.operationName ?? null, variables, visibility]);
}

/** What of an operation decides its group, apart from the viewer and the variables' values. */
interface OperationShape {
  /** The document's text, the same for equal documents parsed apart. */
  text: string;
  /** Whether it selects fields whose value depends on who asks: those marked @viewerDependent. */
  personal: boolean;
  /** Variables that may change a result: those used beyond the root fields' arguments. */
  variables: ReadonlySet<string>;
}

const shapes = new WeakMap<DocumentNode, Map<string | null, OperationShape>>();

/**
 * An operation's shape, worked out once per (shared) document and operation, not for every
 * subscriber (see bench/README.md, B4). Only the operation that runs and the fragments it
 * reaches count: a document may hold other operations (front ends send one file of them),
 * whose fields and variables say nothing about this one.
 * graphql-js's own helpers (those its validation rules use) follow the fragments.
 */
function operationShape(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): OperationShape {
  let ofDocument = shapes.get(document);
  if (!ofDocument) shapes.set(document, (ofDocument = new Map()));
  let shape = ofDocument.get(operationName);
  if (!shape) {
    // The server refuses a document whose operation it cannot identify before it subscribes.
    const operation = getOperationAST(document, operationName)!;
    const context = new ValidationContext(schema, document, new TypeInfo(schema), () => undefined);
    const parts = [operation, ...context.getRecursivelyReferencedFragments(operation)];
    const rootArguments = variablesInRootArguments(operation);
    shape = {
      text: ofDocument.values().next().value?.text ?? print(document),
      personal: parts.some((part) => selectsViewerDependentField(schema, part)),
      variables: new Set(context.getRecursiveVariableUsages(operation).flatMap(({ node }) => (rootArguments.has(node) ? [] : [node.name.value]))),
    };
    ofDocument.set(operationName, shape);
  }
  return shape;
}

/** The variables in the arguments of the operation's root fields (which choose entries, not what a result holds). */
function variablesInRootArguments(operation: OperationDefinitionNode): Set<VariableNode> {
  const found = new Set<VariableNode>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    for (const argument of selection.arguments ?? []) visit(argument, { Variable: (variable) => void found.add(variable) });
  }
  return found;
}
