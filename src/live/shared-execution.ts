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
import type { ReviewerEntity } from '../entities/reviewer.entity';
import { createRequestContext, type AppServices, type RequestContext, type RequestOrigin } from '../services/request-context';
import { LiveHandOver, type FollowedEntry, type LiveConnection } from './follow-log';
import { PrerenderedResult } from './prerendered';

/** Results kept per group, for subscribers that reach an entry a little later than others. */
const resultsPerGroup = 256;

/** What clients may see of errors (the server's one mapping). */
export type ErrorMask = (errors: readonly GraphQLError[]) => GraphQLFormattedError[];

/** Logs unexpected errors (before they are masked) under the execution's request id. */
type ErrorReport = (errors: readonly GraphQLError[], origin: RequestOrigin) => void;

/**
 * Subscribers whose entries give the same result: each entry is executed once for them all,
 * with the arguments of the subscriber that formed the group (the others' differ only in the
 * root field's arguments, which choose entries, not what a result holds).
 */
class Group {
  subscribers = 0;
  private readonly results = new Map<string, Promise<PrerenderedResult>>();
  private readonly execution: ExecutionArgs;

  constructor(
    readonly key: string,
    args: ExecutionArgs,
    readonly app: AppServices,
    private readonly viewer: ReviewerEntity | null,
    private readonly mask: ErrorMask,
    private readonly report: ErrorReport,
  ) {
    this.execution = { ...args, contextValue: undefined };
  }

  resultFor(entry: ActivityEntity): Promise<PrerenderedResult> {
    const id = `${entry.eventId}:${entry.position}`;
    let result = this.results.get(id);
    if (!result) {
      // Fresh loaders for every entry: a long-lived subscription must not serve stale rows.
      const context = createRequestContext(this.app, this.viewer);
      result = Promise.resolve(execute({ ...this.execution, rootValue: entry, contextValue: context })).then(({ data, errors }) => {
        if (errors) this.report(errors, context);
        return new PrerenderedResult({ data, errors: errors && this.mask(errors) });
      });
      this.results.set(id, result);
      if (this.results.size > resultsPerGroup) this.results.delete(this.results.keys().next().value!);
    }
    return result;
  }
}

/**
 * One subscriber of a group. On a connection that sends messages itself, its live entries skip
 * the stream: the group's rendered text goes to the socket, in log order. This, the log's
 * listener and graphql-ws's own state are all an idle subscription keeps (bench B4).
 */
class Member implements LiveConnection {
  private readonly since = Date.now();
  private written = Promise.resolve();
  active = true;

  constructor(
    readonly group: Group,
    private readonly connection: LiveConnection,
  ) {}

  cutOff(): void {
    this.connection.cutOff();
  }

  deliverLive(entry: ActivityEntity): void {
    const rendered = this.group.resultFor(entry);
    this.written = this.written
      .then(() => rendered)
      .then((result) => {
        if (!this.active) return;
        this.connection.sendNext!(result.forMessage());
        this.fannedOut(entry);
      })
      .catch((error: unknown) => {
        this.group.app.logger.error({ err: error }, 'a live entry could not be sent');
        this.connection.cutOff();
      });
  }

  /** Times a live entry's way to this subscriber (a replayed one is not a fan-out). */
  fannedOut(entry: ActivityEntity): void {
    this.group.app.metrics.fannedOut(entry, this.since);
  }
}

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
    private readonly report: ErrorReport = () => undefined,
  ) {}

  /**
   * graphql-ws's `subscribe`: the source stream per subscriber, the execution per group. The
   * replay goes through graphql-ws like any stream; on a connection that can send messages
   * itself, live entries then skip the stream: the group's rendered text goes to the socket.
   */
  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> => {
    const ctx = args.contextValue as RequestContext;
    const key = groupKey(args);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new Group(key, args, ctx.app, ctx.viewer, this.mask, this.report)));
    // Joined before the source exists, so that subscribers arriving together share the group.
    group.subscribers++;
    const joined = group;
    const connection = ctx.connection;
    const member = new Member(joined, connection ?? { cutOff: () => undefined });
    const leave = () => {
      member.active = false;
      if (--joined.subscribers === 0 && this.groups.get(joined.key) === joined) this.groups.delete(joined.key);
    };
    // The context is this operation's own; not copied, since copying reads (and makes) its logger.
    if (connection?.sendNext) ctx.connection = member;
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      leave();
      throw error;
    }
    if (!(Symbol.asyncIterator in source)) {
      leave();
      return source;
    }
    // graphql-ws keeps the operation's arguments while it lasts; the subscribing request's
    // context (its loaders and what they read) is of no more use to it (bench B4).
    args.contextValue = undefined;
    const results = mapStream(source as AsyncIterable<FollowedEntry>, (entry) => joined.resultFor(entry).finally(() => member.fannedOut(entry)), leave);
    // graphql-ws passes each result to onNext, which sends a prerendered one as it is.
    return results as AsyncIterableIterator<unknown> as AsyncIterable<ExecutionResult>;
  };

  /** Groups now live (for metrics and tests). */
  get groupCount(): number {
    return this.groups.size;
  }
}

/**
 * Maps a subscriber's entries to results; returning stops the source at once, even while it
 * waits. A plain iterator with one promise per step, which holds nothing between messages:
 * racing each step against a promise of the stop left a reaction (and the step's entry) on that
 * promise per message until the subscription ended, and a second Repeater per subscriber cost
 * 40% of the fan-out's time (bench B3, B4). Once the source hands over to live delivery, it is
 * returned, and the stream only waits to be returned itself.
 */
function mapStream(
  source: AsyncIterable<FollowedEntry>,
  map: (entry: ActivityEntity) => Promise<PrerenderedResult>,
  onEnd: () => void,
): AsyncIterableIterator<PrerenderedResult> {
  let entries: AsyncIterator<FollowedEntry> | undefined = source[Symbol.asyncIterator]();
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  let finished = false;
  let stopLive: (() => void) | undefined;
  let wake: ((step: IteratorResult<FollowedEntry>) => void) | null = null;
  const nextStep = () =>
    new Promise<IteratorResult<FollowedEntry>>((resolve, reject) => {
      wake = resolve;
      entries?.next().then(resolve, reject);
    });
  const finish = () => {
    if (finished) return;
    finished = true;
    onEnd();
    stopLive?.();
    // The source may end with the error it stopped on (a slow consumer): already handled there.
    entries?.return?.().catch(() => undefined);
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
        while (!(step = await nextStep()).done && !finished && step.value instanceof LiveHandOver) {
          stopLive = step.value.goLive();
          entries!.return?.().catch(() => undefined);
          entries = undefined;
        }
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
  const shape = operationShape(args.document, args.operationName ?? null);
  const visibility = !ctx.viewer ? 'anonymous' : shape.personal ? `member:${ctx.viewer.id}:${ctx.viewer.role}` : 'member';
  const variables = Object.entries(args.variableValues ?? {}).filter(([name]) => shape.variables.has(name));
  return JSON.stringify([shape.text, args.operationName ?? null, variables, visibility]);
}

/** What of an operation decides its group, apart from the viewer and the variables' values. */
interface OperationShape {
  /** The document's text, the same for equal documents parsed apart. */
  text: string;
  /** Whether it reads fields whose value depends on who asks. */
  personal: boolean;
  /** Variables that may change a result: those used beyond the root fields' arguments. */
  variables: ReadonlySet<string>;
}

const shapes = new WeakMap<DocumentNode, Map<string | null, OperationShape>>();

/**
 * An operation's shape, worked out once per (shared) document and operation: walking the
 * document for every subscriber was most of what subscribing allocated (bench B4).
 */
function operationShape(document: DocumentNode, operationName: string | null): OperationShape {
  let ofDocument = shapes.get(document);
  if (!ofDocument) shapes.set(document, (ofDocument = new Map()));
  let shape = ofDocument.get(operationName);
  if (!shape) {
    const parts = operationParts(document, operationName ?? undefined);
    const text = ofDocument.values().next().value?.text ?? print(document);
    shape = { text, personal: parts.some((part) => usesFields(part, personalFields)), variables: variablesBeyondRootArguments(parts) };
    ofDocument.set(operationName, shape);
  }
  return shape;
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
