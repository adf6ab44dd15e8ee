import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, getVariableValues, Kind, type DocumentNode, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode, type VariableDefinitionNode } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { OperationLimits } from '../config/config';
import { MAX_PAGE_SIZE } from '../services/pagination';
import { refusal } from './operation-limits';

/**
 * A field costs 1 plus what is selected below it; on a connection (a field with `first`) what is
 * below is paid once per requested item. `first` is read with variables and schema defaults
 * applied; an explicit null counts as the largest page.
 */
const pageCostEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (!field.args.some((arg) => arg.name === 'first')) return 1 + childComplexity;
  const first = typeof args.first === 'number' ? Math.max(args.first, 0) : MAX_PAGE_SIZE;
  return 1 + first * childComplexity;
};

/** Fields visited with fragments expanded, past which the cost is not computed (fragment bombs). */
const maxCostedFields = 10_000;

/**
 * Costs already computed, per parsed document (Apollo and the WebSocket keep one per distinct
 * text) and operation, by the values of the variables a cost can read: `first` and the `if` of
 * `@skip`/`@include` take an Int or a Boolean, so only variables of those types can change a cost
 * (an id or a text cannot). Computing one over the whole contract document takes about 1.5 ms.
 */
const remembered = new WeakMap<DocumentNode, Map<string, RememberedCosts>>();
interface RememberedCosts {
  /** The variables the cost may read, by name. */
  inputs: string[];
  /** Costs by the JSON of those variables' values. */
  costs: Map<string, number>;
}
const maxCostsPerOperation = 256;

function costInputs(operation: OperationDefinitionNode): string[] {
  const countsOrSwitches = (definition: VariableDefinitionNode) => {
    const type = definition.type.kind === Kind.NON_NULL_TYPE ? definition.type.type : definition.type;
    return type.kind === Kind.NAMED_TYPE && (type.name.value === 'Int' || type.name.value === 'Boolean');
  };
  return (operation.variableDefinitions ?? []).filter(countsOrSwitches).map((definition) => definition.variable.name.value).sort();
}

/**
 * The cost of the operation a request runs, with its variables. Undefined when the variables do
 * not fit the operation: execution then refuses them (BAD_USER_INPUT) before any resolver runs.
 * Infinity when the operation has more than 10,000 fields once its fragments are expanded.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
): number | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const values = variables ?? {};
  if (getVariableValues(schema, operation.variableDefinitions ?? [], values).errors) return undefined;
  const byOperation = remembered.get(document) ?? new Map<string, RememberedCosts>();
  remembered.set(document, byOperation);
  const name = operation.name?.value ?? '';
  const memo = byOperation.get(name) ?? { inputs: costInputs(operation), costs: new Map() };
  byOperation.set(name, memo);
  // Unset and null differ: unset takes the default page, null the largest.
  const key = JSON.stringify(memo.inputs.map((input) => (input in values ? [values[input]] : [])));
  let cost = memo.costs.get(key);
  if (cost === undefined) {
    try {
      cost = getComplexity({ schema, query: document, operationName: operation.name?.value, variables: values, estimators: [pageCostEstimator], maxQueryNodes: maxCostedFields });
    } catch {
      cost = Infinity;
    }
    if (memo.costs.size >= maxCostsPerOperation) memo.costs.clear();
    memo.costs.set(key, cost);
  }
  return cost;
}

/** The refusal of an operation over maxCost, or undefined. */
export function costRefusal(limits: OperationLimits, ...request: Parameters<typeof operationCost>): GraphQLError | undefined {
  const cost = operationCost(...request);
  if (cost === undefined || cost <= limits.maxCost) return undefined;
  const found = Number.isFinite(cost) ? `found ${cost}` : `more than ${maxCostedFields} fields`;
  return refusal(`Query cost limit of ${limits.maxCost} exceeded, ${found} (each item a connection's first asks for counts).`);
}

/** Apollo: refuses an operation over maxCost once its variables are known, before it runs. */
export function costLimitPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const refused = costRefusal(limits, schema, document, operationName, request.variables);
          if (refused) throw refused;
        },
      };
    },
  };
}
