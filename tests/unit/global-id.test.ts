import { ErrorCode } from '../../src/domain/errors';
import { decodeGlobalId, encodeGlobalId, parseGlobalId, type NodeType } from '../../src/domain/global-id';
import { domainErrorOf } from './domain-error';

const uuid = 'a3bb189e-8bf9-4888-9912-ace4e6543002';
const nodeTypes: NodeType[] = ['Reviewer', 'Event', 'Claim', 'Evidence', 'Vote'];

/** A global ID carrying any text, as a client could forge one. */
const forged = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('encodeGlobalId, parseGlobalId and decodeGlobalId', () => {
  test.each(nodeTypes)('a %s ID round-trips', (type) => {
    const globalId = encodeGlobalId(type, uuid);

    expect(parseGlobalId(globalId)).toEqual({ type, id: uuid });
    expect(decodeGlobalId(globalId, type)).toBe(uuid);
  });

  test('the global ID is opaque base64url, not the raw type and id', () => {
    const globalId = encodeGlobalId('Claim', uuid);

    expect(globalId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(globalId).not.toContain(uuid);
  });

  test('the same id under two types gives two different global IDs', () => {
    expect(encodeGlobalId('Claim', uuid)).not.toBe(encodeGlobalId('Event', uuid));
  });
});

describe('malformed global IDs', () => {
  test.each<{ name: string; globalId: unknown }>([
    { name: 'garbage', globalId: 'not-an-id' },
    { name: 'the empty string', globalId: '' },
    { name: 'the raw type and id, not encoded', globalId: `Claim:${uuid}` },
    { name: 'an unknown type', globalId: forged(`Comment:${uuid}`) },
    { name: 'a type in the wrong case', globalId: forged(`claim:${uuid}`) },
    { name: 'no type', globalId: forged(`:${uuid}`) },
    { name: 'no id', globalId: forged('Claim:') },
    { name: 'no separator', globalId: forged(`Claim${uuid}`) },
    { name: 'an id that is not a uuid', globalId: forged('Claim:42') },
    { name: 'a uuid with a missing digit', globalId: forged(`Claim:${uuid.slice(1)}`) },
    { name: 'a uuid without dashes', globalId: forged(`Claim:${uuid.replaceAll('-', '')}`) },
    { name: 'a uuid with spaces around it', globalId: forged(`Claim: ${uuid} `) },
    { name: 'an extra part', globalId: forged(`Claim:${uuid}:extra`) },
    { name: 'an empty extra part', globalId: forged(`Claim:${uuid}:`) },
    { name: 'a uuid followed by SQL', globalId: forged(`Claim:${uuid}' OR '1'='1`) },
    { name: 'standard base64 characters', globalId: `${encodeGlobalId('Claim', uuid)}+/` },
    { name: 'base64 padding', globalId: `${encodeGlobalId('Claim', uuid)}=` },
    { name: 'a huge ID', globalId: 'A'.repeat(101) },
    { name: 'a number instead of a string', globalId: 42 },
    { name: 'null instead of a string', globalId: null },
  ])('$name: parseGlobalId gives null and decodeGlobalId NOT_FOUND', ({ globalId }) => {
    expect(parseGlobalId(globalId as string)).toBeNull();

    const error = domainErrorOf(() => decodeGlobalId(globalId as string, 'Claim'));
    expect(error.code).toBe(ErrorCode.NotFound);
    expect(error.message).toBe('Claim not found');
  });

  test('a well-formed ID of another type is NOT_FOUND for the expected type', () => {
    const eventId = encodeGlobalId('Event', uuid);

    expect(parseGlobalId(eventId)).toEqual({ type: 'Event', id: uuid });
    const error = domainErrorOf(() => decodeGlobalId(eventId, 'Claim'));
    expect(error.code).toBe(ErrorCode.NotFound);
    expect(error.message).toBe('Claim not found');
  });
});
