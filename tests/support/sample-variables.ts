import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../../src/services/pagination';

/**
 * Variables that fit an operation, every one of them set, and every `first` at the largest page
 * (100): the most a well-behaved client can ask for with it.
 */
export function largestVariables(schema: GraphQLSchema, document: DocumentNode, operationName: string): Record<string, unknown> {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.name?.value === operationName,
  );
  if (!operation) throw new Error(`No operation ${operationName}`);
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map((definition) => {
      const type = typeFromAST(schema, definition.type as never) as GraphQLInputType;
      return [definition.variable.name.value, sample(type, definition.variable.name.value)];
    }),
  );
}

function sample(type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return sample(type.ofType, name);
  if (isListType(type)) return [sample(type.ofType, name)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, sample(field.type, field.name)]));
  }
  switch (getNamedType(type).name) {
    case 'Int':
      return name === 'first' ? MAX_PAGE_SIZE : 1;
    case 'Float':
      return 0.75;
    case 'Boolean':
      return true;
    case 'DateTime':
      return '2022-01-05T10:00:00.000Z';
    case 'JSON':
      return {};
    default:
      return name.toLowerCase().includes('url') ? 'https://example.org/a' : 'Almaty airport';
  }
}
