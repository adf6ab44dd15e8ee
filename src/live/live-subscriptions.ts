import type { ExecutionArgs } from 'graphql';
import type { WebSocket } from 'ws';
import type { RequestContext } from '../services/request-context';
import type { Follower, FollowServices } from './follower';
import { Group, type GroupServices } from './group';
import { groupKey } from './group-key';

/**
 * A server's live subscriptions. A subscription field resolves to a {@link Follower} (what to
 * follow); `start` puts it in its group and starts it on the operation's socket. From then on
 * the path is one: the log feed hands each committed entry to the follower, the follower to
 * its group, and the group renders it once and writes it through the sink to every member's
 * socket.
 */
export class LiveSubscriptions {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly services: GroupServices & FollowServices) {}

  /**
   * Starts the subscription whose field resolved to `follower`, for operation `operationId`
   * on `socket` (graphql-ws's onOperation). Rejects when following could not begin, with the
   * error to give the client (BAD_USER_INPUT for a cursor beyond the log).
   */
  async start(follower: Follower, args: ExecutionArgs, socket: WebSocket, operationId: string): Promise<void> {
    const context = args.contextValue as RequestContext;
    const { viewer } = context;
    const key = groupKey(args, viewer);
    let group = this.groups.get(key);
    if (!group) {
      group = new Group(this.services, args, viewer, (emptied) => this.groups.get(key) === emptied && this.groups.delete(key));
      this.groups.set(key, group);
    }
    // The subscribing request is done: what it read is of no more use to the subscription.
    context.end();
    await follower.start(this.services, group, socket, operationId);
  }
}
