import { createHash } from 'node:crypto';
import type { EntityManager, EntityTarget } from 'typeorm';
import { z } from 'zod';
import { holdAdvisoryLock } from '../db/advisory-lock';
import type { IdempotentEntity } from '../entities/idempotent';
import { conflict } from '../domain/errors';
import { Limits, parseInput, text } from '../domain/input-rules';

/** What a create with an idempotency key needs: the key, and a fingerprint of its input. */
interface IdempotencyClaim {
  key: string;
  fingerprint: string;
}

const keyInput = text(Limits.shortText).nullish();

/** The key (trimmed, 1 to 200 characters) and the input's fingerprint; null without a key. */
export function idempotencyOf(key: string | null | undefined, input: unknown): IdempotencyClaim | null {
  const parsed = parseInput(z.object({ idempotencyKey: keyInput }), { idempotencyKey: key }).idempotencyKey;
  if (!parsed) return null;
  return { key: parsed, fingerprint: createHash('sha256').update(JSON.stringify(input)).digest('base64url') };
}

/**
 * Inside the creating transaction, before anything is written: the row this reviewer already
 * created with the key, if any (a retry); CONFLICT when the key was used for another input.
 * Calls with one key wait for each other here, so two concurrent ones create one row.
 */
export async function findIdempotentResult<T extends IdempotentEntity>(
  tx: EntityManager,
  entity: EntityTarget<T>,
  actorId: string,
  idempotency: IdempotencyClaim | null,
): Promise<T | null> {
  if (!idempotency) return null;
  const table = tx.getRepository(entity).metadata.tableName;
  await holdAdvisoryLock(tx, `${table}:${actorId}:${idempotency.key}`);
  const found = await tx
    .getRepository(entity)
    .createQueryBuilder('x')
    .addSelect('x.idempotencyFingerprint')
    .where('x.submittedById = :actorId AND x.idempotencyKey = :key', { actorId, key: idempotency.key })
    .getOne();
  if (!found) return null;
  if (found.idempotencyFingerprint !== idempotency.fingerprint) {
    throw conflict('This idempotencyKey was already used for a different input');
  }
  return found;
}

/** The columns that record the key on the new row. */
export function idempotencyColumns(idempotency: IdempotencyClaim | null) {
  return { idempotencyKey: idempotency?.key ?? null, idempotencyFingerprint: idempotency?.fingerprint ?? null };
}
