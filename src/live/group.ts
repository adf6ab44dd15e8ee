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

/**
 * What clients are sent of operations' results, over graphql-ws and by groups alike: the
 * server's one reporting, masking and counting of errors (the server implements it).
 */
export interface ResultOutput {
  /**
   * Errors as a client sees them: each unexpected one logged under `origin`'s request id, then
   * all masked (a masked one carries that id).
   */
  shown(errors: readonly GraphQLError[], origin: RequestOrigin, operationName?: string | null): GraphQLFormattedError[];
  /**
   * A subscription's result, rendered once for its group (`payload`, with `errors` in it as
   * shown), sent to one member as the `next` message of its operation, and its errors counted
   * as every operation's are. Returns a promise only when the socket holds too much unsent: it
   * settles once the message is written.
   */
  next(member: Member, payload: string, errors: readonly GraphQLFormattedError[] | undefined, operation: ExecutionArgs): Promise<void> | undefined;
}

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
  output: ResultOutput;
  sink: SocketSink;
}

/**
 * Subscribers whose entries give the same result (live-subscriptions.ts decides who): each
 * entry is executed, masked and serialised once for them all, then sent through the output to
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
    return this.services.output.next(member, result.text, result.errors, this.execution);
  }

  /** The entry's result: executed, masked and serialised once for the group. */
  private render(entry: ActivityEntity): Promise<Rendered> {
    const id = `${entry.eventId}:${entry.position}`;
    let result = this.results.get(id);
    if (!result) {
      const { app, output } = this.services;
      // Fresh loaders for every entry: a long-lived subscription must not serve stale rows.
      const context = createRequestContext(app, this.viewer);
      result = Promise.resolve(execute({ ...this.execution, rootValue: entry, contextValue: context })).then(({ data, errors }) => {
        app.metrics.livePayloadRendered();
        const shown = errors && output.shown(errors, context);
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
