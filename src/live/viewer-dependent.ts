import { getDirective } from '@graphql-tools/utils';
import type { GraphQLField, GraphQLSchema } from 'graphql';

/** The SDL's mark of a field whose value depends on who asks (schema/directives.graphql). */
const viewerDependent = 'viewerDependent';

/** Whether the schema marks the field @viewerDependent. */
export function isViewerDependent(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>): boolean {
  return (getDirective(schema, field, viewerDependent)?.length ?? 0) > 0;
}
