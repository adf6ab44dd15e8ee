import type { ExecutionArgs } from 'graphql';
import type { WebSocket } from 'ws';
import type { RequestContext } from '../services/request-context';
import { Follower, type FollowRequest, type FollowServices } from './follower';
import { Group, type GroupServices } from './group';
import { groupKey } from './group-key';

/**
 * A server's live subscriptions. A subscription field resolves to a {@link FollowRequest} (what
 * to follow); `start` makes it a {@link Follower} in its group, on the operation's socket. From
 * then on the path is one: the log feed hands each committed entry to the follower, the
 * follower to its group, and the group renders it once and sends it through the output to
 * every member's socket.
 */
export class LiveSubscriptions {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly services: GroupServices & FollowServices) {}

  /**
   * Follows `request`, what the subscription field of operation `operationId` on `socket`
   * resolved to (graphql-ws's onOperation), and returns its follower once following has begun.
   * Rejects when following could not begin, with the error to give the client (BAD_USER_INPUT
   * for a cursor beyond the log).
   */
  async start(request: FollowRequest, args: ExecutionArgs, socket: WebSocket, operationId: string): Promise<Follower> {
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
    const follower = new Follower(this.services, group, request, socket, operationId);
    await follower.follow();
    return follower;
  }
}
