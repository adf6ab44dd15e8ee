import { types } from 'pg';

const parseTimestamptz = timestamptzParser(types.getTypeParser(types.builtins.TIMESTAMPTZ));
const parseInt8 = (value: string) => Number(value);

/**
 * How pg types this project's values, given to the project's own pool as pg's `types` option
 * (pg's global parsers stay as they are): count(*) and bigint log positions arrive as numbers
 * (every value here is far below 2^53), and timestamptz in PostgreSQL's usual text
 * ("2026-11-25 01:19:02.123+00") is read digit by digit. Any other
 * form (an offset with minutes, more than 3 decimals, BC, infinity) goes to pg's own parser.
 */
export const projectTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (format !== 'binary' && oid === types.builtins.INT8) return parseInt8;
    if (format !== 'binary' && oid === types.builtins.TIMESTAMPTZ) return parseTimestamptz;
    return types.getTypeParser(oid, format as 'text');
  },
};

/** pg's TIMESTAMPTZ parser, with PostgreSQL's usual form read first by hand. */
export function timestamptzParser(general: (text: string) => unknown): (text: string) => unknown {
  return (text) => usualTimestamptz(text) ?? general(text);
}

const [dash, space, colon, dot, plus, minus] = ['-', ' ', ':', '.', '+', '-'].map((c) => c.charCodeAt(0));

/**
 * "YYYY-MM-DD HH:MM:SS[.f, .ff or .fff]+HH" (or -HH) as a Date, read digit by digit rather than
 * reshaped for Date's ISO parser; undefined for any other text, and for years before 100, which
 * Date.UTC would read as 19xx.
 */
function usualTimestamptz(text: string): Date | undefined {
  const sign = text.length - 3;
  const at = (i: number) => text.charCodeAt(i);
  if (sign < 19 || sign > 23 || at(4) !== dash || at(7) !== dash || at(10) !== space || at(13) !== colon || at(16) !== colon) {
    return undefined;
  }
  if (sign > 19 && (at(19) !== dot || sign === 20)) return undefined;
  const direction = at(sign) === plus ? 1 : at(sign) === minus ? -1 : 0;
  const year = digits(text, 0, 4);
  const fraction = sign > 19 ? digits(text, 20, sign) * 10 ** (23 - sign) : 0;
  const utc = Date.UTC(
    year,
    digits(text, 5, 7) - 1,
    digits(text, 8, 10),
    digits(text, 11, 13) - direction * digits(text, sign + 1, sign + 3),
    digits(text, 14, 16),
    digits(text, 17, 19),
    fraction,
  );
  return direction === 0 || year < 100 || Number.isNaN(utc) ? undefined : new Date(utc);
}

/** The decimal number in text[from, to); NaN when a character there is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}
