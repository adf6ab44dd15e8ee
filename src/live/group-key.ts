import type { ExecutionArgs } from 'graphql';
import type { Viewer } from '../services/viewer';
import { operationShape } from './operation-shape';

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
