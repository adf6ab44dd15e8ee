import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations, memberships and invitations: who may vote. Today's free-text organisations
 * become organisations (unverified: an ADMIN vouches for the real ones) with their reviewers as
 * ACTIVE members, and roles stay as they are, so a running desk keeps working. A verdict gains
 * the number of verified organisations behind its leading rating and an explanation.
 */
export class Trust1764500000000 implements MigrationInterface {
  name = 'Trust1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (name = btrim(name) AND name <> ''),
        url text,
        verified boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name))`);

    // One row per reviewer and organisation, whose status moves; at most one ACTIVE per reviewer.
    await db.query(`
      CREATE TABLE memberships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        reviewer_id uuid NOT NULL REFERENCES reviewers (id),
        status text NOT NULL CHECK (status IN ('REQUESTED', 'ACTIVE', 'DECLINED', 'SUSPENDED')),
        org_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX memberships_one_per_organization ON memberships (reviewer_id, organization_id)`);
    await db.query(`CREATE UNIQUE INDEX memberships_one_active ON memberships (reviewer_id) WHERE status = 'ACTIVE'`);
    await db.query(`CREATE INDEX memberships_of_organization ON memberships (organization_id, created_at, id)`);
    // Whose votes a change of trust moves: a suspension reads the member's votes under their lock.
    await db.query(`CREATE INDEX votes_of_reviewer ON votes (reviewer_id)`);

    // Only the code's SHA-256 is kept, like a password reset token's.
    await db.query(`
      CREATE TABLE invitations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code_hash text NOT NULL UNIQUE,
        organization_id uuid NOT NULL REFERENCES organizations (id),
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('OBSERVER', 'REVIEWER', 'EDITOR')),
        org_admin boolean NOT NULL DEFAULT false,
        expires_at timestamptz(3) NOT NULL,
        created_by_id uuid NOT NULL REFERENCES reviewers (id),
        used_at timestamptz(3),
        used_by_id uuid REFERENCES reviewers (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);

    await db.query(`
      INSERT INTO organizations (name)
      SELECT min(btrim(organization)) FROM reviewers
       WHERE btrim(coalesce(organization, '')) <> ''
       GROUP BY lower(btrim(organization))`);
    await db.query(`
      INSERT INTO memberships (organization_id, reviewer_id, status)
      SELECT o.id, r.id, 'ACTIVE' FROM reviewers r JOIN organizations o ON lower(o.name) = lower(btrim(r.organization))`);
    await db.query(`ALTER TABLE reviewers DROP COLUMN organization`);

    await db.query(`
      ALTER TABLE claims
        ADD COLUMN verdict_organization_count integer NOT NULL DEFAULT 0,
        ADD COLUMN verdict_explanation text NOT NULL
          DEFAULT 'Decided before organisations were verified; the next vote or trust change recomputes it.'`);
    await db.query(`ALTER TABLE claims ALTER COLUMN verdict_explanation DROP DEFAULT`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX votes_of_reviewer`);
    await db.query(`ALTER TABLE claims DROP COLUMN verdict_organization_count, DROP COLUMN verdict_explanation`);
    await db.query(`ALTER TABLE reviewers ADD COLUMN organization text`);
    await db.query(`
      UPDATE reviewers r SET organization = o.name
        FROM memberships m JOIN organizations o ON o.id = m.organization_id
       WHERE m.reviewer_id = r.id AND m.status = 'ACTIVE'`);
    for (const table of ['invitations', 'memberships', 'organizations']) await db.query(`DROP TABLE ${table}`);
  }
}
