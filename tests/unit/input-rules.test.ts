import { z } from 'zod';
import { ErrorCode } from '../../src/domain/errors';
import {
  email,
  httpUrl,
  languageTag,
  Limits,
  optionalHttpUrl,
  optionalText,
  parseInput,
  password,
  text,
} from '../../src/domain/input-rules';
import { domainErrorOf } from './domain-error';

/** Parses `{ [field]: value }` against `{ [field]: rule }`, as a service parses its input. */
function parseField(field: string, rule: z.ZodType, value: unknown): unknown {
  return parseInput(z.object({ [field]: rule }), value === undefined ? {} : { [field]: value })[field];
}

/** The BAD_USER_INPUT that `value` earns, checked to name `field`; returns its message. */
function refusalOf(field: string, rule: z.ZodType, value: unknown): string {
  const error = domainErrorOf(() => parseField(field, rule, value));
  expect(error.code).toBe(ErrorCode.BadUserInput);
  expect(error.field).toBe(field);
  expect(error.message.startsWith(`${field} `)).toBe(true);
  return error.message;
}

describe('text', () => {
  test('trims and keeps the text', () => {
    expect(parseField('statement', text(30), '  The bridge is closed.\n')).toBe('The bridge is closed.');
  });

  test('accepts exactly the limit, counted after trimming', () => {
    expect(parseField('statement', text(5), ' abcde ')).toBe('abcde');
  });

  test('refuses one character over the limit', () => {
    expect(refusalOf('statement', text(5), 'abcdef')).toBe('statement must be at most 5 characters');
  });

  test.each(['', '   ', '\n\t'])('refuses blank %j', (value) => {
    expect(refusalOf('statement', text(5), value)).toBe('statement must not be empty');
  });

  test.each(['a\u0000b', '\u0000', 'abc\u0000'])('refuses NUL in %j', (value) => {
    expect(refusalOf('statement', text(50), value)).toBe('statement must not contain NUL characters');
  });

  test.each([null, undefined, 42, ['text'], { text: 'x' }])('refuses %j where text is required', (value) => {
    refusalOf('statement', text(50), value);
  });

  test('the shared limits are what the contract allows', () => {
    expect(Limits).toEqual({
      statement: 1_000,
      excerpt: 10_000,
      longText: 5_000,
      shortText: 200,
      url: 2_048,
      passwordMin: 8,
      passwordMax: 200,
    });
    expect(parseField('statement', text(Limits.statement), 'x'.repeat(1_000))).toHaveLength(1_000);
    refusalOf('statement', text(Limits.statement), 'x'.repeat(1_001));
  });
});

describe('optionalText', () => {
  test.each(['', '   ', '\n'])('blank %j becomes null', (value) => {
    expect(parseField('region', optionalText(10), value)).toBeNull();
  });

  test('null stays null and absent stays absent', () => {
    expect(parseField('region', optionalText(10), null)).toBeNull();
    expect(parseInput(z.object({ region: optionalText(10) }), {})).toEqual({});
  });

  test('text is trimmed', () => {
    expect(parseField('region', optionalText(10), '  Almaty ')).toBe('Almaty');
  });

  test('refuses text over the limit', () => {
    expect(refusalOf('region', optionalText(5), 'Astana!')).toBe('region must be at most 5 characters');
  });

  test('refuses NUL', () => {
    expect(refusalOf('region', optionalText(10), 'Al\u0000maty')).toBe('region must not contain NUL characters');
  });
});

describe('httpUrl', () => {
  test.each([
    ['https://example.com', 'https://example.com'],
    ['http://example.com/path?q=1#x', 'http://example.com/path?q=1#x'],
    ['  https://t.me/channel/42  ', 'https://t.me/channel/42'],
    ['HTTPS://EXAMPLE.COM/', 'HTTPS://EXAMPLE.COM/'],
    ['http://[::1]:8080/', 'http://[::1]:8080/'],
  ])('accepts %j', (value, parsed) => {
    expect(parseField('sourceUrl', httpUrl, value)).toBe(parsed);
  });

  test.each([
    'ftp://example.com/file',
    'javascript:alert(1)',
    'mailto:desk@example.org',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    'example.com',
    '/relative/path',
    'https://',
    'http://exa mple.com',
    '',
  ])('refuses %j', (value) => {
    expect(refusalOf('sourceUrl', httpUrl, value)).toBe('sourceUrl must be an http(s) URL');
  });

  test('refuses NUL, which the URL parser would otherwise let through', () => {
    expect(refusalOf('sourceUrl', httpUrl, 'https://example.com/a\u0000b')).toBe('sourceUrl must not contain NUL characters');
    expect(refusalOf('sourceUrl', httpUrl, 'https://example.com\u0000')).toBe('sourceUrl must not contain NUL characters');
  });

  test('accepts a URL at the length limit and refuses one past it', () => {
    const prefix = 'https://example.com/';
    const atLimit = prefix + 'a'.repeat(Limits.url - prefix.length);

    expect(parseField('sourceUrl', httpUrl, atLimit)).toBe(atLimit);
    expect(refusalOf('sourceUrl', httpUrl, `${atLimit}a`)).toBe('sourceUrl must be at most 2048 characters');
  });

  test('the optional form takes null and absence but not a bad URL', () => {
    expect(parseField('sourceUrl', optionalHttpUrl, null)).toBeNull();
    expect(parseField('sourceUrl', optionalHttpUrl, undefined)).toBeUndefined();
    refusalOf('sourceUrl', optionalHttpUrl, 'ftp://example.com');
  });
});

describe('email', () => {
  test.each([
    ['desk@example.org', 'desk@example.org'],
    ['  first.last+tag@news.example.kz ', 'first.last+tag@news.example.kz'],
  ])('accepts %j', (value, parsed) => {
    expect(parseField('email', email, value)).toBe(parsed);
  });

  test.each(['not-an-email', 'desk@', '@example.org', 'desk@@example.org', 'desk example@example.org', 'desk@example', ''])(
    'refuses %j',
    (value) => {
      refusalOf('email', email, value);
    },
  );

  test('refuses an address over 254 characters', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}.kz`;

    expect(long.length).toBeGreaterThan(254);
    expect(refusalOf('email', email, long)).toBe('email must be at most 254 characters');
  });
});

describe('password', () => {
  test('accepts eight characters and keeps them exactly, spaces included', () => {
    expect(parseField('password', password, ' pass 8 ')).toBe(' pass 8 ');
  });

  test('refuses seven characters', () => {
    expect(refusalOf('password', password, 'seven77')).toBe('password must be at least 8 characters');
  });

  test('accepts the maximum and refuses one more', () => {
    expect(parseField('password', password, 'p'.repeat(200))).toHaveLength(200);
    expect(refusalOf('password', password, 'p'.repeat(201))).toBe('password must be at most 200 characters');
  });
});

describe('languageTag', () => {
  test.each(['ru', 'kk', 'en', 'en-GB', 'zh-Hant-TW', 'sr-Latn-RS', 'ast', 'es-419'])('accepts %j', (value) => {
    expect(parseField('language', languageTag, value)).toBe(value);
  });

  test('trims and takes null or absence', () => {
    expect(parseField('language', languageTag, ' kk ')).toBe('kk');
    expect(parseField('language', languageTag, null)).toBeNull();
    expect(parseField('language', languageTag, undefined)).toBeUndefined();
  });

  test.each(['english', 'e', 'en_GB', 'en-', '12', 'ru-RU-x-y-z', 'en-verylongsubtag', 'ru\u0000', ''])('refuses %j', (value) => {
    expect(refusalOf('language', languageTag, value)).toBe('language must be a BCP-47 language tag such as ru or kk');
  });
});

describe('parseInput', () => {
  const submitClaim = z.object({
    statement: text(Limits.statement),
    context: optionalText(Limits.longText),
    sourceUrl: optionalHttpUrl,
    language: languageTag,
  });

  test('returns the parsed, normalised input', () => {
    expect(
      parseInput(submitClaim, { statement: ' Claim ', context: '  ', sourceUrl: ' https://example.com ', language: 'ru' }),
    ).toEqual({ statement: 'Claim', context: null, sourceUrl: 'https://example.com', language: 'ru' });
  });

  test('the first broken rule names its field', () => {
    const error = domainErrorOf(() => parseInput(submitClaim, { statement: '', sourceUrl: 'ftp://x' }));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('statement');
    expect(error.message).toBe('statement must not be empty');
  });

  test('a missing required field is named', () => {
    const error = domainErrorOf(() => parseInput(submitClaim, { context: 'x' }));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBe('statement');
  });

  test('a nested field is named by its dotted path', () => {
    const schema = z.object({ evidence: z.object({ excerpt: text(5) }) });
    const error = domainErrorOf(() => parseInput(schema, { evidence: { excerpt: 'too long' } }));

    expect(error.field).toBe('evidence.excerpt');
    expect(error.message).toBe('evidence.excerpt must be at most 5 characters');
  });

  test('a bare value has no field to name', () => {
    const error = domainErrorOf(() => parseInput(text(3), 'long'));

    expect(error.code).toBe(ErrorCode.BadUserInput);
    expect(error.field).toBeUndefined();
    expect(error.message).toBe('must be at most 3 characters');
  });

  test('a bare optional value parses as the field would', () => {
    expect(parseInput(optionalText(500), null)).toBeNull();
    expect(parseInput(optionalText(500), ' search ')).toBe('search');
  });
});
