import { BREAK, TypeInfo, visit, visitWithTypeInfo, type ASTNode, type GraphQLField, type GraphQLSchema } from 'graphql';

/** The SDL's mark of a field whose value depends on who asks (schema/directives.graphql). */
const viewerDependent = 'viewerDependent';

/** Whether the schema marks the field @viewerDependent. */
export function isViewerDependent(field: GraphQLField<unknown, unknown>): boolean {
  return field.astNode?.directives?.some((directive) => directive.name.value === viewerDependent) ?? false;
}

/** Whether an operation, or a fragment, selects a field marked @viewerDependent. */
export function selectsViewerDependentField(schema: GraphQLSchema, part: ASTNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let found = false;
  visit(
    part,
    visitWithTypeInfo(typeInfo, {
      Field: () => {
        const field = typeInfo.getFieldDef();
        if (field && isViewerDependent(field)) {
          found = true;
          return BREAK;
        }
        return undefined;
      },
    }),
  );
  return found;
}
