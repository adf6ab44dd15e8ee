import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';

const contractDir = join(__dirname, '../../../shared/contract');

/** The contract's operations document with its extensions' operations, as front ends send it whole with an operationName. */
export const contractDocument = [
  readFileSync(join(contractDir, 'operations.graphql'), 'utf8'),
  ...readdirSync(join(contractDir, 'extensions'))
    .filter((name) => name.endsWith('.operations.graphql'))
    .sort()
    .map((name) => readFileSync(join(contractDir, 'extensions', name), 'utf8')),
].join('\n');
export const contractOperationNames = parse(contractDocument)
  .definitions.filter((d) => d.kind === 'OperationDefinition')
  .map((d) => (d as { name?: { value: string } }).name!.value);

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [key: string]: unknown }; path?: string[] }[];
}

/** A GraphQL client over plain HTTP, as a front end would be; `token` signs the requests. */
export class ApiClient {
  constructor(
    readonly url: string,
    readonly token?: string,
  ) {}

  as(token: string | undefined): ApiClient {
    return new ApiClient(this.url, token);
  }

  /** Sends one of the contract's operations by name, with the whole contract document. */
  op<T = any>(operationName: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    if (!contractOperationNames.includes(operationName)) throw new Error(`No contract operation ${operationName}`);
    return this.request<T>({ query: contractDocument, operationName, variables });
  }

  /** Sends a document of the test's own. */
  query<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    return this.request<T>({ query, variables });
  }

  async request<T>(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...json };
  }
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

/** The error code of a response that must have failed. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}
