import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys of submitClaim and addEvidence: a retry with the same key by the same
 * reviewer finds the first result; the fingerprint of the first input tells a true retry from a
 * reused key. Unique per reviewer and key, so two concurrent calls cannot both create a row.
 */
export class IdempotencyKeys1764100000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764100000000';

  async up(db: QueryRunner): Promise<void> {
    for (const table of ['claims', 'evidence']) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN idempotency_key text, ADD COLUMN idempotency_fingerprint text`);
      await db.query(
        `CREATE UNIQUE INDEX ${table}_idempotency ON ${table} (submitted_by_id, idempotency_key)
          WHERE idempotency_key IS NOT NULL`,
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['claims', 'evidence']) {
      await db.query(`DROP INDEX ${table}_idempotency`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN idempotency_key, DROP COLUMN idempotency_fingerprint`);
    }
  }
}
