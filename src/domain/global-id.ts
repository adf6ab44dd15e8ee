import { notFound } from './errors';

/** The Node types that have global IDs. */
export type NodeType = 'Reviewer' | 'Event' | 'Claim' | 'Evidence' | 'Vote' | 'Organization' | 'Membership';
const nodeTypes: ReadonlySet<string> = new Set<NodeType>(['Reviewer', 'Event', 'Claim', 'Evidence', 'Vote', 'Organization', 'Membership']);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Relay global ID: base64url of `Type:uuid`, opaque to clients. */
export function encodeGlobalId(type: NodeType, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** Reads a global ID of any Node type; null when it is malformed. */
export function parseGlobalId(globalId: string): { type: NodeType; id: string } | null {
  if (typeof globalId !== 'string' || globalId.length > 100 || !/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const [type, id, ...rest] = Buffer.from(globalId, 'base64url').toString('utf8').split(':');
  if (rest.length > 0 || !nodeTypes.has(type) || !id || !uuid.test(id)) return null;
  return { type: type as NodeType, id };
}

/** The database id behind a global ID of the expected type; NOT_FOUND for anything else. */
export function decodeGlobalId(globalId: string, expected: NodeType): string {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== expected) throw notFound(expected);
  return parsed.id;
}
