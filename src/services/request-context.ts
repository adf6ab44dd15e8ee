import type { Logger } from '../observability/logger';
import type { AppServices } from './app-services';
import { Loaders } from './loaders';
import { newOrigin, type RequestOrigin } from './request-origin';
import type { Viewer } from './viewer';

/**
 * Everything one request (or one subscription operation) works with. Every service method
 * takes it first: the signed-in reviewer, the request's DataLoaders, the app's services.
 */
export interface RequestContext {
  readonly app: AppServices;
  /** The signed-in reviewer, read fresh from the database; null for an anonymous client. */
  readonly viewer: Viewer | null;
  readonly loaders: Loaders;
  readonly requestId: string;
  readonly log: Logger;
  /** The client's address (or IPv6 network), as rate limits count it; see client-address.ts. */
  readonly clientAddress?: string;
  /**
   * For an operation on a WebSocket: the socket's connectionParams.activityAfter, the last
   * activity cursor its client saw of each event it follows, read again at every (re)connect.
   */
  readonly activityAfter?: unknown;
  /** New loaders, after a commit: nothing read before a change is served after it. */
  renewLoaders(): void;
  /**
   * Lets go of the request's reviewer, loaders (and the rows they read) and logger, once its
   * work is done while its context is still held: graphql-ws keeps a subscription's context
   * while the subscription lasts, though it serves only to subscribe. Reading them after is an
   * error.
   */
  end(): void;
}

/** What the client's connection says about a request: known before its context is made. */
export type RequestClient = Pick<RequestContext, 'clientAddress' | 'activityAfter'>;

/**
 * A request's context; without an origin (a script, a shared execution) it gets an id of its
 * own, and without `client` no client address nor resume cursors.
 */
export function createRequestContext(app: AppServices, viewer: Viewer | null, origin: RequestOrigin = newOrigin(app.logger), client: RequestClient = {}): RequestContext {
  return new Context(app, viewer, origin, client);
}

/**
 * The logger is a getter of the class, not of the object: Apollo Server copies each request's
 * context with Object.assign, which reads own getters, and the child logger that newOrigin
 * defers stays unmade until a line is written.
 */
class Context implements RequestContext {
  private current: RequestState | undefined;

  constructor(app: AppServices, viewer: Viewer | null, origin: RequestOrigin, client: RequestClient) {
    this.current = { app, client, viewer, loaders: new Loaders(app.dataSource, viewer), origin };
  }

  get app(): AppServices {
    return this.state.app;
  }

  get clientAddress(): string | undefined {
    return this.state.client.clientAddress;
  }

  get activityAfter(): unknown {
    return this.state.client.activityAfter;
  }

  get viewer(): Viewer | null {
    return this.state.viewer;
  }

  get loaders(): Loaders {
    return this.state.loaders;
  }

  get requestId(): string {
    return this.state.origin.requestId;
  }

  get log(): Logger {
    return this.state.origin.log;
  }

  renewLoaders(): void {
    const state = this.state;
    this.current = { ...state, loaders: new Loaders(state.app.dataSource, state.viewer) };
  }

  end(): void {
    this.current = undefined;
  }

  private get state(): RequestState {
    if (!this.current) throw new Error('The request has ended: its context serves no more');
    return this.current;
  }
}

/** What a context holds while its request lasts: all of it, so that an ended context keeps nothing. */
interface RequestState {
  app: AppServices;
  client: RequestClient;
  viewer: Viewer | null;
  loaders: Loaders;
  origin: RequestOrigin;
}

