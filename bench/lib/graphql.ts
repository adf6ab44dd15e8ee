import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, print, separateOperations } from 'graphql';
import { repoRoot } from './paths';

const contractDir = () => join(repoRoot(), '../shared/contract');

/** The contract's operations document with its extensions' operations, as a front end has them. */
function contractDocument(): string {
  const extensions = readdirSync(join(contractDir(), 'extensions'))
    .filter((name) => name.endsWith('.operations.graphql'))
    .sort();
  return [join(contractDir(), 'operations.graphql'), ...extensions.map((name) => join(contractDir(), 'extensions', name))]
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
}

/** The contract's operations, each with only the fragments it uses, as a front end sends it. */
const operations: Record<string, string> = Object.fromEntries(
  Object.entries(separateOperations(parse(contractDocument()))).map(([name, document]) => [name, print(document)]),
);

/** The document of one contract operation, with its fragments. */
export function contractOperation(name: string): string {
  const document = operations[name];
  if (!document) throw new Error(`no contract operation ${name}`);
  return document;
}

/** The uuid inside a global ID (base64url of `Type:uuid`), as the database stores it. */
export function uuidOf(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString().split(':')[1];
}

/** The JSON body of a request for a contract operation. */
export function operationBody(name: string, variables: Record<string, unknown>): string {
  return JSON.stringify({ query: contractOperation(name), operationName: name, variables });
}

export interface GraphQLResult<T> {
  data: T;
  headers: Headers;
}

/** A small GraphQL client for seeding and checks; throws on any GraphQL error. */
export class GraphQLClient {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  as(token: string): GraphQLClient {
    return new GraphQLClient(this.url, token);
  }

  async op<T = any>(name: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      body: operationBody(name, variables),
    });
    const json = (await response.json()) as { data?: T; errors?: unknown[] };
    if (json.errors?.length || !json.data) throw new Error(`${name}: ${response.status} ${JSON.stringify(json.errors)}`);
    return { data: json.data, headers: response.headers };
  }
}
