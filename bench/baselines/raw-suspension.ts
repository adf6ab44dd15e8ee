/**
 * B8's baseline: suspendMember's work as one raw pg transaction, driven by this process itself
 * (no HTTP, no GraphQL, no ORM), in the project's lock order: the organisation shared, the
 * member's reviewer row, the membership's new status, the events of the claims they voted on
 * (shared), those claims and their duplicates FOR UPDATE in id order in one statement, their
 * ballots with the project's query, every changed verdict in one UPDATE, then per event the
 * log head, the VERDICT_CHANGED rows with the reason and the NOTIFY; commit. Reinstating is the
 * same transaction with the status back to ACTIVE. Nothing of src/ is used.
 *
 * A long-lived child of the B8 scenario (lib/ipc.ts requests): `change` makes one such
 * transaction while a castVote (B2's raw one) on an affected claim waits for it, timed by
 * lib/lock-wait.ts as the scenario times the project; `vote` times that vote alone.
 * Env: DATABASE_URL.
 */
import type { PoolClient } from 'pg';
import { answerRequests } from '../lib/ipc';
import { baselinePool } from '../lib/database';
import { LockWait, measureLockWait } from '../lib/lock-wait';
import { castVote, RawVote } from './raw-cast-vote';
import { loggedVerdict, readBallots, storedVerdict, Verdict, verdictChanged, verdictColumns, verdictOf } from './raw-verdict';

/** A change of one membership's status, with raw uuids. */
export interface StandingChange {
  membershipId: string;
  reviewerId: string;
  organizationId: string;
  from: 'ACTIVE' | 'SUSPENDED';
  to: 'ACTIVE' | 'SUSPENDED';
  actorId: string;
  /** Activity.reason of each VERDICT_CHANGED entry. */
  reason: string;
}

export interface ChangeRequest {
  change: StandingChange;
  /** Sent once the change holds this vote's claim; null: the change alone. */
  vote: RawVote | null;
}

/** What one change did: verdicts changed (one log entry each) and the statements it sent. */
export interface ChangeOutcome {
  changed: number;
  statements: number;
}

const logChannel = 'activity_log';

async function changeStanding(client: PoolClient, change: StandingChange): Promise<ChangeOutcome> {
  let statements = 0;
  const query = (sql: string, params: unknown[] = []) => {
    statements++;
    return client.query(sql, params);
  };
  await query('BEGIN');
  try {
    await query('SELECT 1 FROM organizations WHERE id = $1 FOR SHARE', [change.organizationId]);
    await query('SELECT 1 FROM reviewers WHERE id = $1 FOR UPDATE', [change.reviewerId]);
    const updated = await query('UPDATE memberships SET status = $2, updated_at = now() WHERE id = $1 AND status = $3', [
      change.membershipId,
      change.to,
      change.from,
    ]);
    if (updated.rowCount !== 1) throw new Error(`membership ${change.membershipId} is not ${change.from}`);
    // The reviewer's row is locked FOR UPDATE, so they cast no vote meanwhile: both subqueries see the same votes.
    const { rows: events } = await query(
      `SELECT id, quorum, threshold, min_organizations FROM events
        WHERE id IN (SELECT c.event_id FROM votes v JOIN claims c ON c.id = v.claim_id WHERE v.reviewer_id = $1)
        ORDER BY id FOR SHARE`,
      [change.reviewerId],
    );
    const { rows: claims } = await query(
      `SELECT c.id, c.event_id, c.duplicate_of_id, ${verdictColumns} FROM claims c
        WHERE c.id IN (SELECT claim_id FROM votes WHERE reviewer_id = $1)
           OR c.duplicate_of_id IN (SELECT claim_id FROM votes WHERE reviewer_id = $1)
        ORDER BY c.id FOR UPDATE`,
      [change.reviewerId],
    );
    const open = claims.filter((claim) => !claim.duplicate_of_id && claim.verdict_status !== 'PUBLISHED');
    statements++;
    const ballots = await readBallots(client, open.map((claim) => claim.id));
    const eventById = new Map(events.map((event) => [event.id, event]));
    const targets = new Map<string, Verdict>(
      open.map((claim) => {
        const event = eventById.get(claim.event_id);
        return [claim.id, verdictOf(ballots.get(claim.id) ?? [], { quorum: event.quorum, threshold: event.threshold, minOrganizations: event.min_organizations })];
      }),
    );
    const at = new Date();
    const changes = claims
      .map((claim) => ({ claim, previous: storedVerdict(claim), next: targets.get(claim.duplicate_of_id ?? claim.id) }))
      .filter((c): c is typeof c & { next: Verdict } => c.next !== undefined && verdictChanged(c.previous, c.next))
      .map(({ claim, previous, next }) => ({ claim, previous, next, version: claim.verdict_version + 1 }));
    if (changes.length) {
      await query(
        `UPDATE claims c
            SET verdict_status = v.status, verdict_rating = v.rating, verdict_agreement = v.agreement, verdict_vote_count = v.vote_count,
                verdict_tally = v.tally, verdict_organization_count = v.organization_count, verdict_explanation = v.explanation,
                verdict_version = v.version, verdict_updated_at = $2, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, status text, rating text, agreement double precision, vote_count int,
                                                   tally jsonb, organization_count int, explanation text, version int)
          WHERE c.id = v.id`,
        [
          JSON.stringify(
            changes.map(({ claim, next, version }) => ({
              id: claim.id,
              status: next.status,
              rating: next.rating,
              agreement: next.agreement,
              vote_count: next.voteCount,
              tally: next.tally,
              organization_count: next.organizationCount,
              explanation: next.explanation,
              version,
            })),
          ),
          at,
        ],
      );
    }
    // The log heads last, in event id order (the events were selected in it).
    for (const event of events) {
      const entries = changes.filter(({ claim }) => claim.event_id === event.id);
      if (entries.length === 0) continue;
      const { rows: [head] } = await query('UPDATE event_log_heads SET position = position + $2 WHERE event_id = $1 RETURNING position', [
        event.id,
        entries.length,
      ]);
      await query(
        `INSERT INTO activity (event_id, position, type, claim_id, actor_id, at, verdict, previous, detail)
         SELECT $1, $2 + e.i, 'VERDICT_CHANGED', e.claim_id, $3, $4, e.verdict, e.previous, $5::jsonb
           FROM jsonb_to_recordset($6::jsonb) AS e(i int, claim_id uuid, verdict jsonb, previous jsonb)`,
        [
          event.id,
          head.position - entries.length,
          change.actorId,
          at,
          JSON.stringify({ reason: change.reason }),
          JSON.stringify(
            entries.map(({ claim, previous, next, version }, i) => ({
              i: i + 1,
              claim_id: claim.id,
              verdict: loggedVerdict(next, version, at),
              previous: loggedVerdict(previous, claim.verdict_version, claim.verdict_updated_at),
            })),
          ),
        ],
      );
      await query('SELECT pg_notify($1, $2)', [logChannel, `${event.id}:${head.position}`]);
    }
    await query('COMMIT');
    return { changed: changes.length, statements };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function serve() {
  const { pool } = await baselinePool(3);
  const monitor = await pool.connect();
  const withClient = async <T>(work: (client: PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await work(client);
    } finally {
      client.release();
    }
  };
  answerRequests({
    change: async ({ change, vote }: ChangeRequest): Promise<LockWait<ChangeOutcome> | ChangeOutcome> => {
      if (!vote) return withClient((client) => changeStanding(client, change));
      return measureLockWait(
        monitor,
        vote.claimId,
        () => withClient((client) => changeStanding(client, change)),
        () => withClient((client) => castVote(client, vote)),
      );
    },
    vote: async (vote: RawVote): Promise<number> => {
      const startedAt = performance.now();
      await withClient((client) => castVote(client, vote));
      return performance.now() - startedAt;
    },
  });
}

if (process.argv.includes('--serve')) void serve();
