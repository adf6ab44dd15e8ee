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
  type GraphQLSchema,
} from 'graphql';
import type { ActivityEntity } from '../entities/activity.entity';
import { createRequestContext, type AppServices, type RequestContext, type RequestOrigin, type Viewer } from '../services/request-context';
import { LiveHandOver, type FollowedEntry, type LiveConnection } from './follow-log';
import { PrerenderedResult } from './prerendered';
import { selectsViewerDependentField } from './viewer-dependent';

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
  private subscribers = 0;
  private readonly results = new Map<string, Promise<PrerenderedResult>>();
  private readonly execution: ExecutionArgs;

  constructor(
    private readonly groups: Map<string, Group>,
    private readonly key: string,
    args: ExecutionArgs,
    readonly app: AppServices,
    private readonly viewer: Viewer | null,
    private readonly mask: ErrorMask,
    private readonly report: ErrorReport,
  ) {
    this.execution = { ...args, contextValue: undefined };
    groups.set(key, this);
  }

  join(): void {
    this.subscribers++;
  }

  leave(): void {
    if (--this.subscribers === 0 && this.groups.get(this.key) === this) this.groups.delete(this.key);
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
  /** The last entry's write while it is under way. */
  private written: Promise<void> | undefined;
  active = true;

  constructor(
    readonly group: Group,
    private readonly connection: LiveConnection,
  ) {}

  cutOff(): void {
    this.connection.cutOff();
  }

  /** A replayed entry's result, for the stream. */
  replayed(entry: ActivityEntity): Promise<PrerenderedResult> {
    return this.group.resultFor(entry).finally(() => this.fannedOut(entry));
  }

  leave(): void {
    this.active = false;
    this.group.leave();
  }

  deliverLive(entry: ActivityEntity): void {
    const rendered = this.group.resultFor(entry);
    // After the previous entry's write, if it is still under way: in log order.
    const written: Promise<void> = (this.written ? this.written.then(() => rendered) : rendered).then(
      (result) => {
        this.writeDone(written);
        if (!this.active) return;
        try {
          this.connection.sendNext!(result.forMessage());
          this.fannedOut(entry);
        } catch (error) {
          this.notSent(error);
        }
      },
      (error: unknown) => {
        this.writeDone(written);
        this.notSent(error);
      },
    );
    this.written = written;
  }

  private notSent(error: unknown): void {
    this.group.app.logger.error({ err: error }, 'a live entry could not be sent');
    this.connection.cutOff();
  }

  /** Nothing is kept between entries once the last is written (bench B4). */
  private writeDone(written: Promise<void>): void {
    if (this.written === written) this.written = undefined;
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
    const group = this.groups.get(key) ?? new Group(this.groups, key, args, ctx.app, ctx.viewer, this.mask, this.report);
    // Joined before the source exists, so that subscribers arriving together share the group.
    group.join();
    const connection = ctx.connection;
    const member = new Member(group, connection ?? { cutOff: () => undefined });
    // The context is this operation's own; not copied, since copying reads (and makes) its logger.
    if (connection?.sendNext) ctx.connection = member;
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      member.leave();
      throw error;
    }
    if (!(Symbol.asyncIterator in source)) {
      member.leave();
      return source;
    }
    // graphql-ws keeps the operation's arguments while it lasts; the subscribing request's
    // context (its loaders and what they read) is of no more use to it (bench B4).
    args.contextValue = undefined;
    // graphql-ws passes each result to onNext, which sends a prerendered one as it is.
    return new ResultStream(source as AsyncIterable<FollowedEntry>, member) as AsyncIterableIterator<unknown> as AsyncIterable<ExecutionResult>;
  };
}

const done: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A subscriber's entries as results; returning stops the source at once, even while it waits.
 * One promise per step, which holds nothing between messages: racing each step against a
 * promise of the stop left a reaction (and the step's entry) on that promise per message until
 * the subscription ended, and a second Repeater per subscriber cost 40% of the fan-out's time
 * (bench B3, B4). Once the source hands over to live delivery, it is returned, and the stream
 * only waits to be returned itself: a pending promise, no suspended function (bench B4).
 */
class ResultStream implements AsyncIterableIterator<PrerenderedResult> {
  private entries: AsyncIterator<FollowedEntry> | undefined;
  private finished = false;
  private live: { stop(): void } | undefined;
  /** Ends the step (or the wait) in progress, when the stream is returned. */
  private wake: ((step: IteratorReturnResult<undefined>) => void) | null = null;

  constructor(
    source: AsyncIterable<FollowedEntry>,
    private readonly member: Member,
  ) {
    this.entries = source[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<PrerenderedResult>> {
    if (this.finished) return Promise.resolve(done);
    if (!this.entries) return new Promise((resolve) => (this.wake = resolve));
    return this.step(this.entries);
  }

  async return(): Promise<IteratorReturnResult<undefined>> {
    const waiting = this.wake;
    this.finish();
    waiting?.(done);
    return done;
  }

  async throw(error: unknown): Promise<never> {
    this.finish();
    throw error;
  }

  private async step(entries: AsyncIterator<FollowedEntry>): Promise<IteratorResult<PrerenderedResult>> {
    try {
      const step = await new Promise<IteratorResult<FollowedEntry>>((resolve, reject) => {
        this.wake = resolve;
        entries.next().then(resolve, reject);
      });
      this.wake = null;
      if (step.done || this.finished) {
        this.finish();
        return done;
      }
      if (step.value instanceof LiveHandOver) {
        // graphql-ws asks for the next result only once it has sent the last one: the replay
        // is on the socket, and live entries may go directly.
        this.live = step.value.goLive();
        this.entries = undefined;
        entries.return?.().catch(() => undefined);
        return this.next();
      }
      const result = await this.member.replayed(step.value);
      return this.finished ? done : { done: false, value: result }; // nothing after a return()
    } catch (error) {
      this.wake = null;
      if (this.finished) return done; // stopping won: the source's end is nobody's concern
      this.finish();
      throw error;
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.member.leave();
    this.live?.stop();
    // The source may end with the error it stopped on (a slow consumer): already handled there.
    this.entries?.return?.().catch(() => undefined);
  }
}

function groupKey(args: ExecutionArgs): string {
  const ctx = args.contextValue as RequestContext;
  const shape = operationShape(args.schema, args.document, args.operationName ?? null);
  const visibility = !ctx.viewer ? 'anonymous' : shape.personal ? `member:${ctx.viewer.id}:${ctx.viewer.role}` : 'member';
  const variables = Object.entries(args.variableValues ?? {}).filter(([name]) => shape.variables.has(name));
  return JSON.stringify([shape.text, args.operationName ?? null, variables, visibility]);
}

/** What of an operation decides its group, apart from the viewer and the variables' values. */
interface OperationShape {
  /** The document's text, the same for equal documents parsed apart. */
  text: string;
  /** Whether it selects fields whose value depends on who asks: those marked @viewerDependent. */
  personal: boolean;
  /** Variables that may change a result: those used beyond the root fields' arguments. */
  variables: ReadonlySet<string>;
}

const shapes = new WeakMap<DocumentNode, Map<string | null, OperationShape>>();

/**
 * An operation's shape, worked out once per (shared) document and operation: walking the
 * document for every subscriber was most of what subscribing allocated (bench B4).
 */
function operationShape(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): OperationShape {
  let ofDocument = shapes.get(document);
  if (!ofDocument) shapes.set(document, (ofDocument = new Map()));
  let shape = ofDocument.get(operationName);
  if (!shape) {
    const parts = operationParts(document, operationName ?? undefined);
    const text = ofDocument.values().next().value?.text ?? print(document);
    const personal = parts.some((part) => selectsViewerDependentField(schema, part));
    shape = { text, personal, variables: variablesBeyondRootArguments(parts) };
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
