import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from '../domain/errors';
import { CursorKey, decodeCursor, encodeCursor } from '../domain/cursor';

/** A page of a list, as resolvers return it. */
export interface PageModel<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** A page of a connection with a totalCount, computed only when asked. */
export interface ConnectionModel<T> extends PageModel<T> {
  totalCount: () => Promise<number>;
}

export const MAX_PAGE_SIZE = 100;
/** The activity log's largest page, ten times the other lists': a client catching up after hours offline reads thousands of small entries. */
export const MAX_LOG_PAGE_SIZE = 1000;

/** One kind of list: its cursor kind, the shape of its sort key, the node's properties the key is read from, and how to read it. */
export interface ListOrder<T> {
  kind: string;
  shape: string;
  reads: readonly string[];
  keyOf: (node: T) => CursorKey;
}

/**
 * A list ranked ahead of its order (a search's closest matches first): its own kind of cursor,
 * whose key is the node's rank, then the order's key. The rank is read from the page's query
 * (rankOf); a request is decoded before there is one, and needs only the kind and the shape.
 */
export function rankedOrder<T>(order: ListOrder<T>, rankOf: (node: T) => number = () => 0): ListOrder<T> {
  return { kind: `r${order.kind}`, shape: `n${order.shape}`, reads: order.reads, keyOf: (node) => [rankOf(node), ...order.keyOf(node)] };
}

/** Checks `first` (0 to `maxSize`, default 100) and decodes `after` for this list; BAD_USER_INPUT otherwise. */
export function pageRequest<T>(
  order: ListOrder<T>,
  first: number | null | undefined,
  after: string | null | undefined,
  defaultSize = 20,
  maxSize = MAX_PAGE_SIZE,
): { limit: number; after: (string | number)[] | null } {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 0 || size > maxSize) {
    throw badInput(`first must be from 0 to ${maxSize}`, 'first');
  }
  return { limit: size, after: after ? decodeCursor(order.kind, after, order.shape) : null };
}

/** Builds the page from up to limit + 1 rows fetched in order (the extra one tells hasNextPage). */
export function toPage<T>(order: ListOrder<T>, rows: readonly T[], request: { limit: number; after: unknown }): PageModel<T> {
  const edges: Edge<T>[] = new Array(Math.min(rows.length, request.limit));
  for (let i = 0; i < edges.length; i++) edges[i] = new Edge(rows[i], order);
  return { edges, pageInfo: new PageInfo(edges, rows.length > request.limit, request.after !== null) };
}

/** A page (see toPage) with the list's total count, read only when asked. */
export function toConnection<T>(
  order: ListOrder<T>,
  rows: readonly T[],
  request: { limit: number; after: unknown },
  totalCount: () => Promise<number>,
): ConnectionModel<T> {
  return { ...toPage(order, rows, request), totalCount };
}

/** A list read through TypeORM's builder, as `builtConnection` pages it. */
export interface BuiltList<T extends ObjectLiteral> {
  /** Its rows, filtered but in no order: the page reads them, and so does totalCount. */
  listed: () => SelectQueryBuilder<T>;
  /** Puts the rows in the list order's sequence. */
  sorted: (query: SelectQueryBuilder<T>) => SelectQueryBuilder<T>;
  /** Keeps the rows after the one whose sort key the cursor holds. */
  past: (query: SelectQueryBuilder<T>, key: (string | number)[]) => SelectQueryBuilder<T>;
}

/** The page `first` and `after` ask for of a list the builder reads, with its total count read only when asked. */
export async function builtConnection<T extends ObjectLiteral>(
  order: ListOrder<T>,
  args: { first?: number | null; after?: string | null },
  list: BuiltList<T>,
): Promise<ConnectionModel<T>> {
  const request = pageRequest(order, args.first, args.after);
  const sorted = list.sorted(list.listed()).limit(request.limit + 1);
  const page = request.after ? list.past(sorted, request.after) : sorted;
  return toConnection(order, await page.getMany(), request, () => list.listed().getCount());
}

/**
 * An edge whose cursor is encoded only when asked for: most lists are read for their nodes alone
 * (an EventBoard makes 160 edges and reads no cursor of them).
 */
class Edge<T> {
  constructor(
    readonly node: T,
    private readonly order: ListOrder<T>,
  ) {}

  get cursor(): string {
    return encodeCursor(this.order.kind, this.order.keyOf(this.node));
  }
}

/** A page's pageInfo; its cursors, too, are encoded only when asked for. */
class PageInfo<T> {
  constructor(
    private readonly edges: readonly Edge<T>[],
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}
