import { z } from 'zod';
import { badInput } from './errors';

/** Limits on free text, in characters. */
export const Limits = {
  statement: 1_000,
  excerpt: 10_000,
  longText: 5_000,
  shortText: 200,
  url: 2_048,
  passwordMin: 8,
  passwordMax: 200,
} as const;

// PostgreSQL text cannot hold NUL; refusing it here keeps it from ever reaching the database.
const noNul = (value: string) => !value.includes('\u0000');

/** Required text, trimmed, 1 to max characters. */
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, 'must not contain NUL characters');

/** Optional text, trimmed; blank becomes null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(noNul, 'must not contain NUL characters')
    .transform((value) => (value === '' ? null : value))
    .nullish();

export const httpUrl = z
  .string()
  .trim()
  .max(Limits.url, `must be at most ${Limits.url} characters`)
  // The URL parser accepts NUL (it percent-encodes or strips it), but the raw text is what is stored.
  .refine(noNul, 'must not contain NUL characters')
  .refine(isHttpUrl, 'must be an http(s) URL');

export const optionalHttpUrl = httpUrl.nullish();

export const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ error: 'must be a valid email address' }));

export const password = z
  .string()
  .min(Limits.passwordMin, `must be at least ${Limits.passwordMin} characters`)
  .max(Limits.passwordMax, `must be at most ${Limits.passwordMax} characters`);

/** A BCP-47 language tag such as ru, kk or en-GB. */
export const languageTag = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/, 'must be a BCP-47 language tag such as ru or kk')
  .nullish();

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Parses an input object; the first broken rule becomes BAD_USER_INPUT naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.');
  throw badInput(field ? `${field} ${issue.message}` : issue.message, field || undefined);
}
