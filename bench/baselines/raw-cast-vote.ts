/**
 * B2's baseline: castVote's writes as one raw pg transaction, driven by this process itself
 * (no HTTP, no GraphQL, no ORM): lock the voter's row (shared), lock the claim (its event
 * shared), upsert the vote, drop its old evidence links, read the claim's ballots with the
 * project's query (roles, suspensions, verified organisations), refuse the vote when the
 * voter's own does not count, apply the verdict rule, update the claim's verdict when it
 * changed, bump the event's log head, insert the log rows, NOTIFY, commit. The same writes the
 * project makes, the floor under its castVote. Nothing of src/ is used.
 *
 * Run by the B2 scenario as a child process: it sends a CastVotePlan over IPC and gets a
 * LoopResult back. Env: DATABASE_URL, or PGLITE_DIR for PGlite files of its own. B8's baseline
 * casts its concurrent vote with castVote.
 */
import type { PoolClient } from 'pg';
import { runClosedLoop } from '../lib/closed-loop';
import { baselinePool } from '../lib/database';
import { loggedVerdict, readBallots, storedVerdict, verdictChanged, verdictColumns, verdictOf } from './raw-verdict';

/** One vote: raw uuids, as the harness decoded them. */
export interface RawVote {
  claimId: string;
  reviewerId: string;
  rating: string;
}

export interface CastVotePlan {
  concurrency: number;
  /** Worker w casts sequences[w % length] in order, from the start again when it runs out. */
  sequences: RawVote[][];
  warmupMs: number;
  durationMs: number;
}

/**
 * Statements of one vote that changes the verdict: BEGIN, voter lock, claim lock, upsert, unlink
 * evidence, ballots, verdict, log head, log rows, NOTIFY, COMMIT.
 */
export const statementsPerVote = 11;

const logChannel = 'activity_log';

/** One vote as one transaction; throws (and rolls back) when the claim takes no votes or the voter's vote would not count. */
export async function castVote(client: PoolClient, vote: RawVote): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT 1 FROM reviewers WHERE id = $1 FOR SHARE', [vote.reviewerId]);
    const { rows: [claim] } = await client.query(
      `SELECT c.event_id, c.duplicate_of_id, ${verdictColumns}, e.status AS event_status, e.quorum, e.threshold, e.min_organizations
         FROM claims c JOIN events e ON e.id = c.event_id
        WHERE c.id = $1
          FOR UPDATE OF c FOR SHARE OF e`,
      [vote.claimId],
    );
    if (!claim || claim.event_status !== 'ACTIVE' || claim.duplicate_of_id || claim.verdict_status === 'PUBLISHED') {
      throw new Error('the claim takes no votes');
    }
    const at = new Date();
    const { rows: [upserted] } = await client.query(
      `INSERT INTO votes (claim_id, reviewer_id, rating, rationale, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (claim_id, reviewer_id) DO UPDATE SET rating = EXCLUDED.rating, rationale = EXCLUDED.rationale, updated_at = EXCLUDED.updated_at
       RETURNING id`,
      [vote.claimId, vote.reviewerId, vote.rating, 'Seen in the footage', at],
    );
    await client.query('DELETE FROM vote_evidence WHERE vote_id = $1', [upserted.id]);
    const ballots = (await readBallots(client, [vote.claimId])).get(vote.claimId) ?? [];
    if (!ballots.some((ballot) => ballot.voterId === vote.reviewerId && ballot.counts)) throw new Error('the vote would not count');
    const previous = storedVerdict(claim);
    const next = verdictOf(ballots, { quorum: claim.quorum, threshold: claim.threshold, minOrganizations: claim.min_organizations });
    const entries: unknown[][] = [['VOTE_CAST', null, null]];
    if (verdictChanged(previous, next)) {
      const version = claim.verdict_version + 1;
      await client.query(
        `UPDATE claims SET verdict_status = $2, verdict_rating = $3, verdict_agreement = $4, verdict_vote_count = $5,
                           verdict_tally = $6, verdict_organization_count = $7, verdict_explanation = $8,
                           verdict_version = $9, verdict_updated_at = $10, updated_at = now()
          WHERE id = $1`,
        [vote.claimId, next.status, next.rating, next.agreement, next.voteCount, JSON.stringify(next.tally), next.organizationCount, next.explanation, version, at],
      );
      entries.push([
        'VERDICT_CHANGED',
        JSON.stringify(loggedVerdict(next, version, at)),
        JSON.stringify(loggedVerdict(previous, claim.verdict_version, claim.verdict_updated_at)),
      ]);
    }
    const { rows: [head] } = await client.query(
      'UPDATE event_log_heads SET position = position + $2 WHERE event_id = $1 RETURNING position',
      [claim.event_id, entries.length],
    );
    const rows = entries.map(([type, verdict, previousVerdict], i) => [
      claim.event_id, head.position - entries.length + 1 + i, type, vote.claimId, vote.reviewerId, at, verdict, previousVerdict,
    ]);
    const placeholders = rows.map((row, r) => `(${row.map((_, c) => `$${r * row.length + c + 1}`).join(', ')})`);
    await client.query(
      `INSERT INTO activity (event_id, position, type, claim_id, actor_id, at, verdict, previous) VALUES ${placeholders.join(', ')}`,
      rows.flat(),
    );
    await client.query('SELECT pg_notify($1, $2)', [logChannel, `${claim.event_id}:${head.position}`]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function main(plan: CastVotePlan) {
  const { pool, close } = await baselinePool(10);
  try {
    return await runClosedLoop({
      concurrency: plan.concurrency,
      warmupMs: plan.warmupMs,
      durationMs: plan.durationMs,
      operate: async (worker, i) => {
        const sequence = plan.sequences[worker % plan.sequences.length];
        const client = await pool.connect();
        try {
          await castVote(client, sequence[i % sequence.length]);
          return { ok: true };
        } finally {
          client.release();
        }
      },
    });
  } finally {
    await close();
  }
}

if (process.argv.includes('--cast-votes')) {
  process.once('message', (plan) => {
    main(plan as CastVotePlan).then(
      (result) => process.send!(result, () => process.exit(0)),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
