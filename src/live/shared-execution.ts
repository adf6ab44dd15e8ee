import {
  createSourceEventStream,
  execute,
  getOperationAST,
  Kind,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLFormattedError,
} from 'graphql';
import type { ActivityEntity } from '../entities/activity.entity';
import { createRequestContext, type RequestContext, type RequestOrigin } from '../services/request-context';
import { LiveHandOver, type FollowedEntry } from './follow-log';
import { PrerenderedResult } from './prerendered';

/** Results kept per group, for subscribers that reach an entry a little later than others. */
const resultsPerGroup = 256;

interface Group {
  subscribers: number;
  results: Map<string, Promise<PrerenderedResult>>;
}

/** What clients may see of errors (the server's one mapping). */
export type ErrorMask = (errors: readonly GraphQLError[]) => GraphQLFormattedError[];

/**
 * Subscription execution shared between subscribers: those whose operations give the same
 * result for an entry (same document, same variables apart from the root field's own
 * arguments, same visibility) form a group, and each log entry is executed once per group.
 * The root field's arguments (event, claim, cursor) choose which entries a subscriber gets,
 * never what an entry's result holds, so subscribers resuming from different cursors share.
 * A group's result for an entry is masked and serialised once ({@link PrerenderedResult}).
 */
export class SharedExecutions {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly mask: ErrorMask,
    /** Logs unexpected errors (before they are masked) under the execution's request id. */
    private readonly report: (errors: readonly GraphQLError[], origin: RequestOrigin) => void = () => undefined,
  ) {}

  /**
   * graphql-ws's `subscribe`: the source stream per subscriber, the execution per group. The
   * replay goes through graphql-ws like any stream; on a connection that can send messages
   * itself, live entries then skip the stream: the group's rendered text goes to the socket.
   */
  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> => {
    const ctx = args.contextValue as RequestContext;
    const key = groupKey(args);
    const fannedOut = ctx.app.metrics.fanOutTimer();
    let group: Group | undefined;
    let active = true;
    const render = (entry: ActivityEntity) => resultFor(group!, entry, args, this.mask, this.report);
    const connection = ctx.connection;
    const sendNext = connection?.sendNext?.bind(connection);
    let written = Promise.resolve();
    const deliverLive = (entry: ActivityEntity) => {
      const rendered = render(entry);
      written = written
        .then(() => rendered)
        .then((result) => {
          if (!active) return;
          sendNext!(result.forMessage());
          fannedOut(entry);
        })
        .catch((error: unknown) => {
          ctx.app.logger.error({ err: error }, 'a live entry could not be sent');
          connection?.cutOff();
        });
    };
    const direct = sendNext && connection ? { ...args, contextValue: { ...ctx, connection: { ...connection, deliverLive } } } : args;
    const source = await createSourceEventStream(direct);
    if (!(Symbol.asyncIterator in source)) return source;
    const joined = this.groups.get(key) ?? { subscribers: 0, results: new Map() };
    group = joined;
    this.groups.set(key, joined);
    joined.subscribers++;
    const leave = () => {
      active = false;
      if (--joined.subscribers === 0 && this.groups.get(key) === joined) this.groups.delete(key);
    };
    const results = mapStream(source as AsyncIterable<FollowedEntry>, (entry) => render(entry).finally(() => fannedOut(entry)), leave);
    // graphql-ws passes each result to onNext, which sends a prerendered one as it is.
    return results as AsyncIterableIterator<unknown> as AsyncIterable<ExecutionResult>;
  };

  /** Groups now live (for metrics and tests). */
  get groupCount(): number {
    return this.groups.size;
  }
}

function resultFor(
  group: Group,
  entry: ActivityEntity,
  args: ExecutionArgs,
  mask: ErrorMask,
  report: (errors: readonly GraphQLError[], origin: RequestOrigin) => void,
): Promise<PrerenderedResult> {
  const id = `${entry.eventId}:${entry.position}`;
  let result = group.results.get(id);
  if (!result) {
    const ctx = args.contextValue as RequestContext;
    // Fresh loaders for every entry: a long-lived subscription must not serve stale rows.
    const context = createRequestContext(ctx.app, ctx.viewer);
    result = Promise.resolve(execute({ ...args, rootValue: entry, contextValue: context })).then(({ data, errors }) => {
      if (errors) report(errors, context);
      return new PrerenderedResult({ data, errors: errors && mask(errors) });
    });
    group.results.set(id, result);
    if (group.results.size > resultsPerGroup) group.results.delete(group.results.keys().next().value!);
  }
  return result;
}

/**
 * Maps a subscriber's entries to results; returning stops the source at once, even while it
 * waits. A plain iterator with one promise per step, which holds nothing between messages:
 * racing each step against a promise of the stop left a reaction (and the step's entry) on that
 * promise per message until the subscription ended, and a second Repeater per subscriber cost
 * 40% of the fan-out's time (bench B3, B4).
 */
function mapStream(
  source: AsyncIterable<FollowedEntry>,
  map: (entry: ActivityEntity) => Promise<PrerenderedResult>,
  onEnd: () => void,
): AsyncIterableIterator<PrerenderedResult> {
  const entries = source[Symbol.asyncIterator]();
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  let finished = false;
  let wake: ((step: IteratorResult<FollowedEntry>) => void) | null = null;
  const nextStep = () =>
    new Promise<IteratorResult<FollowedEntry>>((resolve, reject) => {
      wake = resolve;
      entries.next().then(resolve, reject);
    });
  const finish = () => {
    if (finished) return;
    finished = true;
    onEnd();
    // The source may end with the error it stopped on (a slow consumer): already handled there.
    entries.return?.().catch(() => undefined);
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (finished) return done;
      try {
        let step: IteratorResult<FollowedEntry>;
        // graphql-ws asks for the next result only once it has sent the last one: when the
        // hand-over comes, the replay is on the socket, and live entries may go directly.
        while (!(step = await nextStep()).done && !finished && step.value instanceof LiveHandOver) step.value.goLive();
        if (step.done || finished) {
          finish();
          return done;
        }
        const result = await map(step.value as ActivityEntity);
        return finished ? done : { done: false, value: result }; // nothing after a return()
      } catch (error) {
        if (finished) return done; // stopping won: the source's end is nobody's concern
        finish();
        throw error;
      } finally {
        wake = null;
      }
    },
    async return() {
      const waiting = wake;
      finish();
      waiting?.(done);
      return done;
    },
    async throw(error: unknown) {
      finish();
      throw error;
    },
  };
}

/** Fields whose value depends on who asks, beyond anonymous or member. */
const personalFields = new Set(['viewerVote', 'email', 'viewer']);

function groupKey(args: ExecutionArgs): string {
  const ctx = args.contextValue as RequestContext;
  const parts = operationParts(args.document, args.operationName ?? undefined);
  const personal = parts.some((part) => usesFields(part, personalFields));
  const visibility = !ctx.viewer ? 'anonymous' : personal ? `member:${ctx.viewer.id}:${ctx.viewer.role}` : 'member';
  const used = variablesBeyondRootArguments(parts);
  const variables = Object.entries(args.variableValues ?? {}).filter(([name]) => used.has(name));
  return JSON.stringify([printed(args.document), args.operationName ?? null, variables, visibility]);
}

const printedDocuments = new WeakMap<DocumentNode, string>();

/** A document's text, printed once per (shared) document. */
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) printedDocuments.set(document, (text = print(document)));
  return text;
}

/**
 * The operation that runs and the fragments it reaches: a document may hold other operations
 * (front ends send one file of them), whose fields and variables say nothing about this one.
 */
function operationParts(document: DocumentNode, operationName?: string): ASTNode[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [document];
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const parts: ASTNode[] = [operation];
  const reached = new Set<string>();
  for (let i = 0; i < parts.length; i++) {
    visit(parts[i], {
      FragmentSpread: (spread) => {
        const fragment = fragments.get(spread.name.value);
        if (fragment && !reached.has(fragment.name.value)) {
          reached.add(fragment.name.value);
          parts.push(fragment);
        }
      },
    });
  }
  return parts;
}

function usesFields(part: ASTNode, names: ReadonlySet<string>): boolean {
  let found = false;
  visit(part, { Field: (field) => void (found ||= names.has(field.name.value)) });
  return found;
}

/** Variables used anywhere in the operation's parts but in the arguments of its root fields. */
function variablesBeyondRootArguments([operation, ...fragments]: ASTNode[]): Set<string> {
  const roots = operation.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections : [];
  const rootArguments = new Set(roots.flatMap((s) => (s.kind === Kind.FIELD ? s.arguments ?? [] : [])));
  const used = new Set<string>();
  for (const part of [operation, ...fragments]) {
    visit(part, {
      Argument: (argument) => (rootArguments.has(argument) ? false : undefined),
      VariableDefinition: () => false,
      Variable: (variable) => void used.add(variable.name.value),
    });
  }
  return used;
}
