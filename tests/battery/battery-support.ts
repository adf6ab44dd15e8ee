import type { Client } from 'graphql-ws';
import { decodeCursor } from '../../src/domain/cursor';
import { ApiClient, contractDocument, ok, type GraphQLResponse } from '../support/client';
import type { LiveMessage } from '../support/live-client';

export const ratings = ['TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE', 'UNVERIFIABLE'] as const;
export type RatingName = (typeof ratings)[number];

/** mulberry32: a small seeded generator, so that a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export interface LogEntry {
  cursor: string;
  type: string;
  claim: { id: string } | null;
  verdict: { status: string; rating: string | null; version: number } | null;
}

/** Every entry of an event's log after `after`, through the contract's ActivitySince pages. */
export async function readLog(api: ApiClient, eventId: string, after: string | null = null): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for (;;) {
    const page = ok(await api.op('ActivitySince', { eventId, after, first: 100 })).activity;
    entries.push(...page.edges.map((edge: { node: LogEntry }) => edge.node));
    if (!page.pageInfo.hasNextPage) return entries;
    after = page.pageInfo.endCursor;
  }
}

/** The position in the event's log that a log cursor stands for. */
export const positionOf = (cursor: string) => decodeCursor('lg', cursor, 'un')[1] as number;

/** Asserts that the log's positions are exactly 1..n, in order. */
export function expectGapless(log: readonly LogEntry[]): void {
  const positions = log.map((entry) => positionOf(entry.cursor));
  const firstBreak = positions.findIndex((position, i) => position !== i + 1);
  expect({ entries: positions.length, firstBreak }).toEqual({ entries: positions.length, firstBreak: -1 });
}

const claimVotesQuery = /* GraphQL */ `
  query BatteryClaimVotes($id: ID!, $after: String) {
    claim(id: $id) {
      votes(first: 100, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id rating reviewer { id } } }
      }
    }
  }
`;

/** Every vote row of a claim, as a signed-in reader sees them, and the connection's totalCount. */
export async function readVotes(api: ApiClient, claimId: string) {
  const votes: { id: string; rating: string; reviewerId: string }[] = [];
  let after: string | null = null;
  let totalCount = 0;
  for (;;) {
    const page: any = ok(await api.query(claimVotesQuery, { id: claimId, after })).claim.votes;
    totalCount = page.totalCount;
    votes.push(...page.edges.map((edge: any) => ({ id: edge.node.id, rating: edge.node.rating, reviewerId: edge.node.reviewer.id })));
    if (!page.pageInfo.hasNextPage) return { votes, totalCount };
    after = page.pageInfo.endCursor;
  }
}

/** One of the contract's operations (a query or mutation) over a graphql-ws socket: its one result. */
export function liveOp<T = any>(client: Client, operationName: string, variables: Record<string, unknown>, query = contractDocument) {
  return new Promise<LiveMessage<T>>((resolve, reject) => {
    let result: LiveMessage<T> | undefined;
    client.subscribe<T>(
      { query, operationName, variables },
      {
        next: (message) => void (result = message as LiveMessage<T>),
        error: (error) => (Array.isArray(error) ? resolve({ errors: error }) : reject(error)),
        complete: () => (result ? resolve(result) : reject(new Error(`${operationName}: completed without a result`))),
      },
    );
  });
}

/** The data of a socket result that must have succeeded. */
export function liveOk<T>(message: LiveMessage<T>): T {
  if (message.errors?.length || !message.data) throw new Error(`GraphQL errors: ${JSON.stringify(message.errors)}`);
  return message.data;
}

/** Runs `worker` on each item with at most `limit` at once. */
export async function inPool<T>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await worker(items[index], index);
    }
  });
  await Promise.all(lanes);
}

export type { GraphQLResponse };
