import fc from 'fast-check';
import { types } from 'pg';
import { timestamptzParser } from '../../src/db/type-parsers';

// pg's own parser, the reference (read before anything replaces it).
const general = types.getTypeParser(types.builtins.TIMESTAMPTZ) as (text: string) => unknown;
const parse = timestamptzParser(general);

/** timestamptz as PostgreSQL writes it with DateStyle ISO: local time, then the offset. */
function pgText(at: Date, offsetMinutes: number, decimals: number): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000).toISOString(); // 2026-11-25T01:19:02.123Z
  const fraction = decimals ? `.${local.slice(20, 23).padEnd(decimals, '0').slice(0, decimals)}` : '';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
  const minutes = Math.abs(offsetMinutes) % 60;
  return `${local.slice(0, 10)} ${local.slice(11, 19)}${fraction}${sign}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
}

test('timestamptz texts read the same as with pg\'s own parser, offsets, decimals and all', () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: -15 * 60, max: 15 * 60 }),
      fc.integer({ min: 0, max: 6 }),
      (at, offsetMinutes, decimals) => {
        const text = pgText(at, offsetMinutes, decimals);
        expect((parse(text) as Date).getTime()).toBe((general(text) as Date).getTime());
      },
    ),
    { numRuns: 2000, seed: 5012022 },
  );
});

test('the usual form is read without pg\'s parser; other forms are left to it', () => {
  const seen: string[] = [];
  const spy = timestamptzParser((text) => (seen.push(text), general(text)));
  expect((spy('2022-01-05 06:30:00.25+06') as Date).toISOString()).toBe('2022-01-05T00:30:00.250Z');
  expect((spy('2026-11-25 01:19:02+00') as Date).toISOString()).toBe('2026-11-25T01:19:02.000Z');
  expect(seen).toEqual([]);
  const others = ['infinity', '-infinity', '0044-03-15 12:00:00+00 BC', '2022-01-05 06:30:00+05:30', '2022-01-05 06:30:00.123456+00'];
  for (const text of others) expect(spy(text)).toEqual(general(text));
  expect(seen).toEqual(others);
});

test('texts close to the usual form but not in it are left to pg\'s parser', () => {
  const seen: string[] = [];
  const spy = timestamptzParser((text) => (seen.push(text), general(text)));
  const near = ['0099-03-15 12:00:00+00', '2022-01-05 06:30:00.+06', '2022-01-05 06:30:0x+06', '2022-01-05T06:30:00+06', '2022-01-05 06:30:00*06'];
  for (const text of near) spy(text);
  expect(seen).toEqual(near);
  expect((spy('0099-03-15 12:00:00+00') as Date).getUTCFullYear()).toBe(99);
});
