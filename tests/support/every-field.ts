import {
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  parse,
  type DocumentNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Operations that select every field the schema's queries and subscriptions reach: below each
 * root field, every field of every type not already on the way there, aliased by its type so
 * that the branches of an interface never clash. A required argument becomes a variable of its
 * name.
 */
export function everyFieldDocument(schema: GraphQLSchema): DocumentNode {
  let variables = new Map<string, string>();

  const selection = (type: GraphQLNamedType, path: readonly string[]): string => {
    if (isLeafType(type)) return '';
    if (isAbstractType(type)) {
      return `{ __typename ${schema.getPossibleTypes(type).map((possible) => `... on ${possible.name} ${selection(possible, path)}`).join(' ')} }`;
    }
    const object = type as GraphQLObjectType;
    if (path.includes(object.name)) return '{ __typename }';
    return `{ __typename ${Object.values(object.getFields()).map((field) => fieldSelection(object, field, [...path, object.name])).join(' ')} }`;
  };

  const fieldSelection = (parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, path: readonly string[]): string => {
    const required = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined);
    for (const arg of required) {
      const type = String(arg.type);
      if ((variables.get(arg.name) ?? type) !== type) throw new Error(`$${arg.name} would need two types`);
      variables.set(arg.name, type);
    }
    const args = required.length ? `(${required.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : '';
    return `${parent.name}_${field.name}: ${field.name}${args} ${selection(getNamedType(field.type), path)}`;
  };

  /** One operation for each root field, so that only those that take an id run once for each. */
  const operations = (kind: string, root: GraphQLObjectType | null | undefined): string[] =>
    Object.values(root?.getFields() ?? {}).map((field) => {
      variables = new Map();
      const body = fieldSelection(root!, field, [root!.name]);
      const definitions = [...variables].map(([variable, type]) => `$${variable}: ${type}`).join(', ');
      return `${kind} Every_${root!.name}_${field.name}${definitions ? `(${definitions})` : ''} { ${body} }`;
    });

  return parse([...operations('query', schema.getQueryType()), ...operations('subscription', schema.getSubscriptionType())].join('\n'));
}
