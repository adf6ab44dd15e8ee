import contractOperations from './contract.operations.graphql';
import deskOperations from './desk.operations.graphql';

/** Every operation the desk sends, in one document sent whole with an operationName. */
export const document = `${contractOperations}\n${deskOperations}`;

export type Variables = Record<string, unknown>;

/**
 * Why a request did not succeed. `network`: no answer (offline, server down);
 * `unavailable`: SERVICE_UNAVAILABLE, nothing was written, try again after `retryAfter` seconds;
 * `refused`: any other GraphQL error, final (its code says why).
 */
export class RequestFailure extends Error {
  constructor(
    readonly kind: 'network' | 'unavailable' | 'refused',
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }

  /** Whether sending the same request again later may succeed. */
  get retryable(): boolean {
    return this.kind !== 'refused';
  }
}

interface GraphQLBody {
  data?: any;
  errors?: { message: string; extensions?: { code?: string; retryAfter?: number } }[];
}

/** Sends one operation over HTTP POST; its data, or a RequestFailure. */
export async function request<T = any>(operationName: string, variables: Variables, token?: string): Promise<T> {
  let body: GraphQLBody;
  try {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: document, operationName, variables }),
    });
    body = await response.json();
  } catch (error) {
    // No answer, or one that is not GraphQL (a proxy's error page): the link, not the request.
    throw new RequestFailure('network', 'NETWORK', (error as Error).message);
  }
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    if (code === 'SERVICE_UNAVAILABLE') throw new RequestFailure('unavailable', code, error.message, error.extensions?.retryAfter);
    throw new RequestFailure('refused', code, error.message);
  }
  return body.data as T;
}
