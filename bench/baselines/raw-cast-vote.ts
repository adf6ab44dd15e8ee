/**
 * B2's baseline: castVote's writes as one raw pg transaction, driven by this process itself
 * (no HTTP, no GraphQL, no ORM): lock the claim (its event shared), upsert the vote, drop its
 * old evidence links, read the claim's ballots, apply the verdict rule, update the claim's
 * verdict when it changed, bump the event's log head, insert the log rows, NOTIFY, commit.
 * The same writes the project makes, the floor under its castVote. Nothing of src/ is used.
 *
 * Run by the B2 scenario as a child process: it sends a CastVotePlan over IPC and gets a
 * LoopResult back. Env: DATABASE_URL, or PGLITE_DIR for PGlite files of its own.
 */
import type { PoolClient } from 'pg';
import { runClosedLoop } from '../lib/closed-loop';
import { baselinePool } from '../lib/database';

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

/** Statements of one vote that changes the verdict: BEGIN, lock, upsert, unlink evidence, ballots, verdict, log head, log rows, NOTIFY, COMMIT. */
export const statementsPerVote = 10;

const ratingOrder = ['TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE', 'UNVERIFIABLE'];
const logChannel = 'activity_log';

interface Verdict {
  status: string;
  rating: string | null;
  agreement: number;
  voteCount: number;
  tally: { rating: string; votes: number }[];
}

/** The consensus rule of the README, for an unpublished claim. */
function verdictOf(ballots: { rating: string; organization: string | null }[], policy: { quorum: number; threshold: number; minOrganizations: number }): Verdict {
  const counts = new Map<string, number>();
  for (const { rating } of ballots) counts.set(rating, (counts.get(rating) ?? 0) + 1);
  const tally = ratingOrder.filter((r) => counts.has(r)).map((rating) => ({ rating, votes: counts.get(rating)! }));
  tally.sort((a, b) => b.votes - a.votes);
  const voteCount = ballots.length;
  const lead = tally[0]?.votes ?? 0;
  const rating = tally.length > 0 && (tally.length === 1 || tally[1].votes < lead) ? tally[0].rating : null;
  const agreement = voteCount === 0 ? 0 : lead / voteCount;
  const organizations = new Set(
    ballots.filter((b) => b.rating === rating).map((b) => b.organization?.trim().toLocaleLowerCase('und')).filter(Boolean),
  ).size;
  const status =
    voteCount === 0 ? 'UNVERIFIED'
    : voteCount < policy.quorum ? 'IN_REVIEW'
    : rating !== null && agreement >= policy.threshold && organizations >= (policy.minOrganizations >= 2 ? policy.minOrganizations : 0)
      ? 'CONSENSUS'
      : 'CONTESTED';
  return { status, rating, agreement, voteCount, tally };
}

function changed(before: Verdict, after: Verdict): boolean {
  return (
    before.status !== after.status ||
    before.rating !== after.rating ||
    before.agreement !== after.agreement ||
    before.voteCount !== after.voteCount ||
    before.tally.length !== after.tally.length ||
    before.tally.some((entry, i) => entry.rating !== after.tally[i].rating || entry.votes !== after.tally[i].votes)
  );
}

const logged = (verdict: Verdict, version: number, updatedAt: Date) =>
  JSON.stringify({ ...verdict, version, updatedAt: updatedAt.toISOString(), publishedAt: null, publishedById: null, summary: null });

async function castVote(client: PoolClient, vote: RawVote): Promise<void> {
  await client.query('BEGIN');
  try {
    const { rows: [claim] } = await client.query(
      `SELECT c.event_id, c.duplicate_of_id, c.verdict_status, c.verdict_rating, c.verdict_agreement, c.verdict_vote_count,
              c.verdict_tally, c.verdict_version, c.verdict_updated_at, e.status AS event_status, e.quorum, e.threshold, e.min_organizations
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
    const { rows: ballots } = await client.query(
      'SELECT v.rating, r.organization FROM votes v JOIN reviewers r ON r.id = v.reviewer_id WHERE v.claim_id = $1',
      [vote.claimId],
    );
    const previous: Verdict = {
      status: claim.verdict_status,
      rating: claim.verdict_rating,
      agreement: claim.verdict_agreement,
      voteCount: claim.verdict_vote_count,
      tally: claim.verdict_tally,
    };
    const next = verdictOf(ballots, { quorum: claim.quorum, threshold: claim.threshold, minOrganizations: claim.min_organizations });
    const entries: unknown[][] = [['VOTE_CAST', null, null]];
    if (changed(previous, next)) {
      const version = claim.verdict_version + 1;
      await client.query(
        `UPDATE claims SET verdict_status = $2, verdict_rating = $3, verdict_agreement = $4, verdict_vote_count = $5,
                           verdict_tally = $6, verdict_version = $7, verdict_updated_at = $8, updated_at = now()
          WHERE id = $1`,
        [vote.claimId, next.status, next.rating, next.agreement, next.voteCount, JSON.stringify(next.tally), version, at],
      );
      entries.push(['VERDICT_CHANGED', logged(next, version, at), logged(previous, claim.verdict_version, claim.verdict_updated_at)]);
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
