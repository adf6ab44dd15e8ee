import { decodeCursor, encodeCursor, type CursorKey } from '../../src/domain/cursor';
import { ErrorCode } from '../../src/domain/errors';
import { domainErrorOf } from './domain-error';

/** A cursor carrying any JSON text, as a client could forge one. */
const forged = (json: string) => Buffer.from(json, 'utf8').toString('base64url');
const forgedArray = (parts: unknown[]) => forged(JSON.stringify(parts));

const uuid = 'a3bb189e-8bf9-4888-9912-ace4e6543002';
/** The last instant a JavaScript Date can hold, in ms since the epoch. */
const latestDateMs = 8.64e15;

describe('encodeCursor and decodeCursor', () => {
  test.each<{ kind: string; key: CursorKey; shape: string }>([
    { kind: 'claims', key: ['2025-03-01T10:00:00.000Z', 'a3bb189e-8bf9-4888-9912-ace4e6543002'], shape: 'ss' },
    { kind: 'votes', key: [0, 'id'], shape: 'ns' },
    { kind: 'events', key: [Number.MAX_SAFE_INTEGER], shape: 'n' },
    { kind: 'search', key: ['', 42, 'x'], shape: 'sns' },
    { kind: 'claims', key: ['Заявление: «ложь» 🚫', 'κ'], shape: 'ss' },
    { kind: 'claims', key: ['x'.repeat(100)], shape: 's' },
    { kind: 'only-kind', key: [], shape: '' },
    { kind: 'cn', key: [Date.parse('2025-03-01T10:00:00.123Z'), uuid], shape: 'tu' },
    { kind: 'lg', key: [uuid, 0], shape: 'un' },
    { kind: 'lg', key: [uuid, 1234567], shape: 'un' },
    { kind: 'ev', key: [0, uuid], shape: 'tu' },
    { kind: 'ev', key: [latestDateMs, uuid], shape: 'tu' },
  ])('$kind $key round-trips with shape "$shape"', ({ kind, key, shape }) => {
    expect(decodeCursor(kind, encodeCursor(kind, key), shape)).toEqual(key);
  });

  test('the cursor is base64url: safe in a URL without escaping', () => {
    const cursor = encodeCursor('claims', ['???>>>~~~ÿÿÿ', 'a/b+c=d']);

    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  test('different keys give different cursors', () => {
    expect(encodeCursor('claims', ['a', 1])).not.toBe(encodeCursor('claims', ['a', 2]));
    expect(encodeCursor('claims', ['a', 1])).not.toBe(encodeCursor('events', ['a', 1]));
  });
});

describe('decodeCursor refuses every malformed cursor with BAD_USER_INPUT', () => {
  const valid = encodeCursor('claims', ['2025-03-01T10:00:00.000Z', 'id-1']);

  test.each<{ name: string; cursor: unknown; kind?: string; shape?: string }>([
    { name: 'another list\'s cursor', cursor: valid, kind: 'events' },
    { name: 'a key with fewer parts than the shape', cursor: valid, shape: 'sss' },
    { name: 'a key with more parts than the shape', cursor: valid, shape: 's' },
    { name: 'a string where an integer belongs', cursor: valid, shape: 'ns' },
    { name: 'an integer where a string belongs', cursor: forgedArray(['claims', 5, 'id']) },
    { name: 'a negative integer', cursor: forgedArray(['claims', -1]), shape: 'n' },
    { name: 'a fraction', cursor: forgedArray(['claims', 1.5]), shape: 'n' },
    { name: 'an integer beyond the safe range', cursor: forged('["claims", 9007199254740993]'), shape: 'n' },
    { name: 'a number too big for a double', cursor: forged('["claims", 1e400]'), shape: 'n' },
    { name: 'a numeric string where an integer belongs', cursor: forgedArray(['claims', '7']), shape: 'n' },
    { name: 'null in the key', cursor: forgedArray(['claims', null, 'id']) },
    { name: 'a boolean in the key', cursor: forgedArray(['claims', true, 'id']) },
    { name: 'an object in the key', cursor: forgedArray(['claims', { at: 'x' }, 'id']) },
    { name: 'an array in the key', cursor: forgedArray(['claims', ['x'], 'id']) },
    { name: 'a string over 100 characters', cursor: forgedArray(['claims', 'x'.repeat(101), 'id']) },
    { name: 'no kind at all', cursor: forgedArray(['2025-03-01T10:00:00.000Z', 'id-1']) },
    { name: 'an empty array', cursor: forgedArray([]) },
    { name: 'a JSON object', cursor: forged('{"0":"claims","1":"a","2":"b","length":3}') },
    { name: 'a JSON string', cursor: forged('"claims"') },
    { name: 'a JSON number', cursor: forged('12') },
    { name: 'JSON null', cursor: forged('null') },
    { name: 'base64url of text that is not JSON', cursor: forged('claims,a,b') },
    { name: 'truncated JSON', cursor: forged('["claims","a"') },
    { name: 'garbage that happens to be base64url', cursor: 'not-a-cursor' },
    { name: 'a single character', cursor: 'A' },
    { name: 'the empty string', cursor: '' },
    { name: 'standard base64 with + and /', cursor: Buffer.from('["claims","a>?","b"]').toString('base64').replace(/=+$/, '') + '+/' },
    { name: 'base64 padding', cursor: `${valid}==` },
    { name: 'whitespace', cursor: ` ${valid}` },
    { name: 'a dot', cursor: `${valid}.x` },
    { name: 'non-ASCII characters', cursor: 'курсор' },
    { name: 'a huge cursor', cursor: 'A'.repeat(501) },
    { name: 'a well-formed cursor over 500 characters', cursor: forgedArray(['claims', 'x'.repeat(100), 'y'.repeat(100), 'z'.repeat(100), 'w'.repeat(100)]), shape: 'ssss' },
    { name: 'a time past what a Date can hold', cursor: forgedArray(['cn', latestDateMs + 1, uuid]), kind: 'cn', shape: 'tu' },
    { name: 'a negative time', cursor: forgedArray(['cn', -1, uuid]), kind: 'cn', shape: 'tu' },
    { name: 'a fractional time', cursor: forgedArray(['cn', 1.5, uuid]), kind: 'cn', shape: 'tu' },
    { name: 'a time as an ISO string', cursor: forgedArray(['cn', '2025-03-01T10:00:00.000Z', uuid]), kind: 'cn', shape: 'tu' },
    { name: 'an id that is not a uuid', cursor: forgedArray(['cn', 0, 'id-1']), kind: 'cn', shape: 'tu' },
    { name: 'a uuid with SQL after it', cursor: forgedArray(['cn', 0, `${uuid}' OR '1'='1`]), kind: 'cn', shape: 'tu' },
    { name: 'a uuid in upper case', cursor: forgedArray(['cn', 0, uuid.toUpperCase()]), kind: 'cn', shape: 'tu' },
    { name: 'a uuid without dashes', cursor: forgedArray(['lg', uuid.replaceAll('-', ''), 0]), kind: 'lg', shape: 'un' },
    { name: 'a number where a uuid belongs', cursor: forgedArray(['lg', 7, 0]), kind: 'lg', shape: 'un' },
    { name: 'a negative log position', cursor: forgedArray(['lg', uuid, -1]), kind: 'lg', shape: 'un' },
    { name: 'a number instead of a string', cursor: 12345 },
    { name: 'null instead of a string', cursor: null },
    { name: 'an object instead of a string', cursor: { kind: 'claims' } },
  ])('$name', ({ cursor, kind = 'claims', shape = 'ss' }) => {
    const error = domainErrorOf(() => decodeCursor(kind, cursor as string, shape));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('after');
    expect(error.message).toBe('Invalid cursor');
  });

  test('the well-formed cursor used above is accepted, so each refusal is about its defect', () => {
    expect(decodeCursor('claims', valid, 'ss')).toEqual(['2025-03-01T10:00:00.000Z', 'id-1']);
    expect(decodeCursor('claims', forgedArray(['claims', 0]), 'n')).toEqual([0]);
    expect(decodeCursor('cn', forgedArray(['cn', 0, uuid]), 'tu')).toEqual([0, uuid]);
    expect(decodeCursor('lg', forgedArray(['lg', uuid, 0]), 'un')).toEqual([uuid, 0]);
  });
});
