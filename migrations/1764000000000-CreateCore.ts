import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The core data model: reviewers, events with their consensus policy, claims with their
 * current verdict, evidence, votes, and the append-only activity log with one position
 * counter per event. Runs unchanged on PostgreSQL 15+ and on PGlite (PostgreSQL 18).
 */
export class CreateCore1764000000000 implements MigrationInterface {
  name = 'CreateCore1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await db.query(`
      CREATE TABLE reviewers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        display_name text NOT NULL,
        organization text,
        role text NOT NULL CHECK (role IN ('OBSERVER', 'REVIEWER', 'EDITOR', 'ADMIN')),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX reviewers_email_key ON reviewers (lower(email))`);

    await db.query(`
      CREATE TABLE events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL,
        description text,
        region text,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'CLOSED')),
        started_at timestamptz(3) NOT NULL,
        quorum integer NOT NULL CHECK (quorum BETWEEN 1 AND 1000),
        threshold double precision NOT NULL CHECK (threshold > 0.5 AND threshold <= 1),
        min_organizations integer NOT NULL CHECK (min_organizations >= 1),
        created_by_id uuid REFERENCES reviewers (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX events_newest ON events (created_at DESC, id DESC)`);

    // The per-event log position. It lives in its own row so that taking it, always as the
    // last lock of a transaction, never waits behind a lock on the event itself.
    await db.query(`
      CREATE TABLE event_log_heads (
        event_id uuid PRIMARY KEY REFERENCES events (id),
        position bigint NOT NULL DEFAULT 0
      )`);

    await db.query(`
      CREATE TABLE claims (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES events (id),
        statement text NOT NULL,
        context text,
        source_url text,
        language text,
        first_seen_at timestamptz(3),
        submitted_by_id uuid REFERENCES reviewers (id),
        duplicate_of_id uuid REFERENCES claims (id),
        verdict_status text NOT NULL DEFAULT 'UNVERIFIED'
          CHECK (verdict_status IN ('UNVERIFIED', 'IN_REVIEW', 'CONTESTED', 'CONSENSUS', 'PUBLISHED')),
        verdict_rating text,
        verdict_agreement double precision NOT NULL DEFAULT 0,
        verdict_vote_count integer NOT NULL DEFAULT 0,
        verdict_tally jsonb NOT NULL DEFAULT '[]',
        verdict_version integer NOT NULL DEFAULT 0,
        verdict_updated_at timestamptz(3) NOT NULL DEFAULT now(),
        verdict_published_at timestamptz(3),
        verdict_published_by_id uuid REFERENCES reviewers (id),
        verdict_summary text,
        search_vector tsvector GENERATED ALWAYS AS (
          to_tsvector('simple'::regconfig, statement || ' ' || coalesce(context, ''))
          || to_tsvector('russian'::regconfig, statement || ' ' || coalesce(context, ''))
          || to_tsvector('english'::regconfig, statement || ' ' || coalesce(context, ''))
        ) STORED,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX claims_newest ON claims (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX claims_event_newest ON claims (event_id, created_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX claims_event_recently_updated ON claims (event_id, verdict_updated_at DESC, id DESC)`,
    );
    await db.query(`CREATE INDEX claims_recently_updated ON claims (verdict_updated_at DESC, id DESC)`);
    await db.query(`CREATE INDEX claims_duplicate_of ON claims (duplicate_of_id) WHERE duplicate_of_id IS NOT NULL`);
    await db.query(`CREATE INDEX claims_search ON claims USING gin (search_vector)`);
    await db.query(`CREATE INDEX claims_statement_trgm ON claims USING gin (statement gin_trgm_ops)`);

    await db.query(`
      CREATE TABLE evidence (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_id uuid NOT NULL REFERENCES claims (id),
        stance text NOT NULL CHECK (stance IN ('SUPPORTS', 'REFUTES', 'CONTEXT')),
        url text,
        title text,
        excerpt text,
        submitted_by_id uuid REFERENCES reviewers (id),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX evidence_claim_oldest ON evidence (claim_id, created_at, id)`);

    await db.query(`
      CREATE TABLE votes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_id uuid NOT NULL REFERENCES claims (id),
        reviewer_id uuid NOT NULL REFERENCES reviewers (id),
        rating text NOT NULL
          CHECK (rating IN ('TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE', 'UNVERIFIABLE')),
        rationale text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX votes_one_per_reviewer ON votes (claim_id, reviewer_id)`);
    await db.query(`CREATE INDEX votes_claim_oldest ON votes (claim_id, created_at, id)`);

    await db.query(`
      CREATE TABLE vote_evidence (
        vote_id uuid NOT NULL REFERENCES votes (id) ON DELETE CASCADE,
        evidence_id uuid NOT NULL REFERENCES evidence (id),
        PRIMARY KEY (vote_id, evidence_id)
      )`);

    await db.query(`
      CREATE TABLE activity (
        event_id uuid NOT NULL REFERENCES events (id),
        position bigint NOT NULL,
        type text NOT NULL,
        claim_id uuid REFERENCES claims (id),
        actor_id uuid REFERENCES reviewers (id),
        at timestamptz(3) NOT NULL DEFAULT now(),
        verdict jsonb,
        previous jsonb,
        detail jsonb,
        PRIMARY KEY (event_id, position)
      )`);
    await db.query(
      `CREATE INDEX activity_claim_verdicts ON activity (claim_id, event_id, position) WHERE type = 'VERDICT_CHANGED'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['activity', 'vote_evidence', 'votes', 'evidence', 'claims', 'event_log_heads', 'events', 'reviewers']) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
