import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { GraphQLSchema, OperationDefinitionNode } from 'graphql';

/** How an operation reached the server. */
type Transport = 'http' | 'ws';

/**
 * An operation as metrics name it: its type and its root field. Both come from the schema,
 * never from the client's operationName, so the number of label values stays bounded.
 */
export interface OperationLabels {
  /** query, mutation, subscription; `unknown` when the document did not parse or validate. */
  type: string;
  /** The root field (castVote, events, verdictChanged); `other` for anything else. */
  operation: string;
}

export const unknownOperation: OperationLabels = { type: 'unknown', operation: 'other' };

const requestSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const fanOutSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * One server instance's metrics, in a registry of its own: several servers in one process
 * (the tests) would clash in prom-client's global one. Served by GET /metrics.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly httpRequests = this.counter('http_requests_total', 'HTTP requests by route and status', ['method', 'route', 'status']);
  private readonly requests = this.counter('graphql_requests_total', 'GraphQL operations received', ['transport', 'type', 'operation']);
  private readonly errors = this.counter('graphql_errors_total', 'Errors returned to clients, by their extensions.code', ['transport', 'type', 'operation', 'code']);
  private readonly durations = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'Time to answer a query or mutation',
    labelNames: ['transport', 'type', 'operation'],
    buckets: requestSeconds,
    registers: [this.registry],
  });
  private readonly subscriptions = new Gauge({ name: 'graphql_subscriptions_active', help: 'Subscriptions now open', registers: [this.registry] });
  private readonly fanOut = new Histogram({
    name: 'live_fanout_delay_seconds',
    help: 'From an activity entry being written to its message being handed to a subscriber socket',
    buckets: fanOutSeconds,
    registers: [this.registry],
  });
  private readonly votes = this.counter('votes_cast_total', 'Votes cast (committed), by rating', ['rating']);
  private readonly rendered = this.counter('live_payloads_rendered_total', 'Subscription results executed and serialised: once per entry and group of subscribers', []);
  private readonly sent = this.counter('live_messages_sent_total', 'Subscription results written to sockets: once per entry and subscriber', []);
  private readonly slowConsumers = this.counter('websocket_slow_consumers_total', 'Sockets closed with 1013 because their client stopped reading', []);
  private openSockets: () => number = () => 0;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const sockets = () => this.openSockets();
    new Gauge({
      name: 'websocket_sockets_open',
      help: 'WebSocket connections now open',
      registers: [this.registry],
      collect() {
        this.set(sockets());
      },
    });
  }

  /** The text exposition format. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  httpRequest(method: string, route: string, status: number): void {
    this.httpRequests.inc({ method, route, status });
  }

  operationReceived(transport: Transport, labels: OperationLabels): void {
    this.requests.inc({ transport, ...labels });
  }

  operationFailed(transport: Transport, labels: OperationLabels, code: string): void {
    this.errors.inc({ transport, ...labels, code });
  }

  operationAnswered(transport: Transport, labels: OperationLabels, seconds: number): void {
    this.durations.observe({ transport, ...labels }, seconds);
  }

  subscriptionOpened(): void {
    this.subscriptions.inc();
  }

  subscriptionClosed(): void {
    this.subscriptions.dec();
  }

  /** Where the open-socket gauge reads its value when scraped. */
  countSocketsWith(count: () => number): void {
    this.openSockets = count;
  }

  /**
   * Times a live message to one subscriber (call it as each is handed over), `subscribedAt` its
   * Date.now() at subscribing: entries written before are a replay of the log, not a fan-out,
   * and are not timed.
   */
  fannedOut(entry: { at: Date }, subscribedAt: number): void {
    if (entry.at.getTime() >= subscribedAt) this.fanOut.observe((Date.now() - entry.at.getTime()) / 1000);
  }

  livePayloadRendered(): void {
    this.rendered.inc();
  }

  liveMessageSent(): void {
    this.sent.inc();
  }

  voteCast(rating: string): void {
    this.votes.inc({ rating });
  }

  slowConsumerCut(): void {
    this.slowConsumers.inc();
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]) {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }
}

/**
 * Labels an operation by its type and root field, if that field is one of the schema's; an
 * operation with several root fields, or none that the schema knows, is `other`.
 */
export function operationLabeller(schema: GraphQLSchema): (operation: OperationDefinitionNode | null | undefined) => OperationLabels {
  const roots = {
    query: new Set(Object.keys(schema.getQueryType()?.getFields() ?? {})),
    mutation: new Set(Object.keys(schema.getMutationType()?.getFields() ?? {})),
    subscription: new Set(Object.keys(schema.getSubscriptionType()?.getFields() ?? {})),
  };
  // One labels object per parsed operation, shared by all its runs.
  const known = new WeakMap<OperationDefinitionNode, OperationLabels>();
  return (operation) => {
    if (!operation) return unknownOperation;
    let labels = known.get(operation);
    if (!labels) {
      const [only, ...more] = operation.selectionSet.selections;
      const field = only?.kind === 'Field' && more.length === 0 ? only.name.value : undefined;
      labels = { type: operation.operation, operation: field && roots[operation.operation].has(field) ? field : 'other' };
      known.set(operation, labels);
    }
    return labels;
  };
}
