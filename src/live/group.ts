import { execute, type ExecutionArgs, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { WebSocket } from 'ws';
import type { ActivityEntity } from '../entities/activity.entity';
import type { AppServices } from '../services/app-services';
import { createRequestContext } from '../services/request-context';
import type { RequestOrigin } from '../services/request-origin';
import type { Viewer } from '../services/viewer';
import type { SocketSink } from './socket-sink';

/** Results kept per group, for subscribers that reach an entry a little later than others. */
const resultsPerGroup = 256;

/** What clients may see of errors (the server's one mapping). */
export type ErrorMask = (errors: readonly GraphQLError[]) => GraphQLFormattedError[];

/** Logs unexpected errors (before they are masked) under the execution's request id. */
export type ErrorReport = (errors: readonly GraphQLError[], origin: RequestOrigin) => void;

/** Counts the errors one client is sent in a result of `operation`, by code, as every operation's errors are counted. */
export type ErrorCount = (errors: readonly GraphQLFormattedError[], operation: ExecutionArgs) => void;

/** An entry's result for the group: its `next` payload as JSON text, and the errors in it, as clients see them. */
interface Rendered {
  text: string;
  errors: GraphQLFormattedError[] | undefined;
}

/** One subscriber as its group writes to it. */
export interface Member {
  readonly socket: WebSocket;
  /** The graphql-ws operation id its messages carry. */
  readonly operationId: string;
  /** Date.now() when it subscribed: entries written before are a replay, not a fan-out. */
  readonly since: number;
  /** False once the subscription ended: nothing more is written for it. */
  readonly active: boolean;
  /** Its last live entry's write, while under way: the next entry's waits for it. */
  writing: Promise<void> | undefined;
}

/** What every group of a server shares. */
export interface GroupServices {
  app: AppServices;
  sink: SocketSink;
  mask: ErrorMask;
  report: ErrorReport;
  count: ErrorCount;
}

/**
 * Subscribers whose entries give the same result (live-subscriptions.ts decides who): each
 * entry is executed, masked and serialised once for them all, then written through the sink to
 * each member's socket. It executes with the arguments of the subscriber that formed it (the
 * others' differ only in the root field's arguments, which choose entries, not what a result
 * holds).
 */
export class Group {
  private members = 0;
  private readonly results = new Map<string, Promise<Rendered>>();
  private readonly execution: ExecutionArgs;

  constructor(
    private readonly services: GroupServices,
    args: ExecutionArgs,
    private readonly viewer: Viewer | null,
    /** Called when the last member leaves. */
    private readonly emptied: (group: Group) => void,
  ) {
    this.execution = { ...args, contextValue: undefined };
  }

  join(): void {
    this.members++;
  }

  leave(): void {
    if (--this.members === 0) this.emptied(this);
  }

  /** A live entry: rendered at once, written after the member's previous entry, without waiting for the socket. */
  deliver(entry: ActivityEntity, member: Member): void {
    const rendered = this.render(entry);
    const previous = member.writing;
    const written: Promise<void> = (previous ? previous.then(() => rendered) : rendered).then(
      (result) => {
        if (member.writing === written) member.writing = undefined; // nothing kept between entries
        if (!member.active) return;
        this.write(member, result)?.catch(ignore); // a failed write closes the socket, which ends the subscription
        this.services.app.metrics.fannedOut(entry, member.since);
      },
      (error: unknown) => {
        if (member.writing === written) member.writing = undefined;
        this.failed(member, error);
      },
    );
    member.writing = written;
  }

  /** A replayed entry: settles once the member's socket may take the next, so a replay is paced by its reader. */
  async replay(entry: ActivityEntity, member: Member): Promise<void> {
    try {
      const result = await this.render(entry);
      if (member.active) await this.write(member, result);
    } catch (error) {
      this.failed(member, error);
    }
  }

  private write(member: Member, result: Rendered): Promise<void> | undefined {
    if (result.errors) this.services.count(result.errors, this.execution);
    this.services.app.metrics.liveMessageSent();
    return this.services.sink.next(member.socket, member.operationId, result.text);
  }

  /** The entry's result: executed, masked and serialised once for the group. */
  private render(entry: ActivityEntity): Promise<Rendered> {
    const id = `${entry.eventId}:${entry.position}`;
    let result = this.results.get(id);
    if (!result) {
      const { app, mask, report } = this.services;
      // Fresh loaders for every entry: a long-lived subscription must not serve stale rows.
      const context = createRequestContext(app, this.viewer);
      result = Promise.resolve(execute({ ...this.execution, rootValue: entry, contextValue: context })).then(({ data, errors }) => {
        if (errors) report(errors, context);
        app.metrics.livePayloadRendered();
        const shown = errors && mask(errors);
        return { text: JSON.stringify(shown ? { data, errors: shown } : { data }), errors: shown };
      });
      this.results.set(id, result);
      if (this.results.size > resultsPerGroup) this.results.delete(this.results.keys().next().value!);
    }
    return result;
  }

  private failed(member: Member, error: unknown): void {
    this.services.app.logger.error({ err: error }, 'a live entry could not be sent');
    this.services.sink.cutOff(member.socket, 'an entry could not be sent');
  }
}

const ignore = () => undefined;
