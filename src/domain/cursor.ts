import { badInput } from './errors';

/** One position in an ordered list: the values of its sort key, tie-broken by id last. */
export type CursorKey = ReadonlyArray<string | number>;

/** Opaque cursor: base64url of a JSON array that starts with the list's kind. */
export function encodeCursor(kind: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([kind, ...key]), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by encodeCursor for the same kind of list and key shape
 * ('s' string, 'n' integer); BAD_USER_INPUT for anything else.
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
  const fits = key.every((value, i) =>
    shape[i] === 'n' ? Number.isSafeInteger(value) && (value as number) >= 0 : typeof value === 'string' && value.length <= 100,
  );
  if (!fits) throw invalid;
  return key as (string | number)[];
}
