import { badInput } from './errors';

/** One position in an ordered list: the values of its sort key, tie-broken by id last. */
export type CursorKey = ReadonlyArray<string | number>;

/** Opaque cursor: base64url of a JSON array that starts with the list's kind. */
export function encodeCursor(kind: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by encodeCursor for the same kind of list and key shape
 * ('s' string, 'n' integer, 't' time in ms that a Date can hold, 'u' uuid); BAD_USER_INPUT
 * for anything else. Key parts reach SQL as timestamptz and uuid, so a forged one stops here.
 */
export function decodeCursor(kind: string, cursor: string, shape: string): (string | number)[] {
  const invalid = badInput('Invalid cursor', 'after');
  if (typeof cursor !== 'string' || cursor.length > 500 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(parts) || parts[0] !== kind || parts.length !== shape.length + 1) throw invalid;
  const key = parts.slice(1);
  if (!key.every((value, i) => fitsShape(value, shape[i]))) throw invalid;
  return key as (string | number)[];
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const latestDateMs = 8.64e15;

function fitsShape(value: unknown, letter: string): boolean {
  switch (letter) {
    case 'n':
      return Number.isSafeInteger(value) && (value as number) >= 0;
    case 't':
      return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= latestDateMs;
    case 'u':
      return typeof value === 'string' && uuid.test(value);
    default:
      return typeof value === 'string' && value.length <= 100;
  }
}
