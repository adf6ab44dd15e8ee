import { getOperationAST, Kind, print, visit, type ASTNode, type DocumentNode, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { Viewer } from '../services/request-context';
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
 * An operation's shape, worked out once per (shared) document and operation: walking the
 * document for every subscriber was most of what subscribing allocated (bench B4).
 */
function operationShape(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): OperationShape {
  let ofDocument = shapes.get(document);
  if (!ofDocument) shapes.set(document, (ofDocument = new Map()));
  let shape = ofDocument.get(operationName);
  if (!shape) {
    const parts = operationParts(document, operationName ?? undefined);
    const text = ofDocument.values().next().value?.text ?? print(document);
    const personal = parts.some((part) => selectsViewerDependentField(schema, part));
    shape = { text, personal, variables: variablesBeyondRootArguments(parts) };
    ofDocument.set(operationName, shape);
  }
  return shape;
}

/**
 * The operation that runs and the fragments it reaches: a document may hold other operations
 * (front ends send one file of them), whose fields and variables say nothing about this one.
 */
function operationParts(document: DocumentNode, operationName?: string): ASTNode[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [document];
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const parts: ASTNode[] = [operation];
  const reached = new Set<string>();
  for (let i = 0; i < parts.length; i++) {
    visit(parts[i], {
      FragmentSpread: (spread) => {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !reached.has(fragment.name.value)) {
          reached.add(fragment.name.value);
          parts.push(fragment);
        }
      },
    });
  }
  return parts;
}

/** Variables used anywhere in the operation's parts but in the arguments of its root fields. */
function variablesBeyondRootArguments([operation, ...fragments]: ASTNode[]): Set<string> {
  const roots = operation.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections : [];
  const rootArguments = new Set(roots.flatMap((s) => (s.kind === Kind.FIELD ? s.arguments ?? [] : [])));
  const used = new Set<string>();
  for (const part of [operation, ...fragments]) {
    visit(part, {
      Argument: (argument) => (rootArguments.has(argument) ? false : undefined),
      VariableDefinition: () => false,
      Variable: (variable) => void used.add(variable.name.value),
    });
  }
  return used;
}
