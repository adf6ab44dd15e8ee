import { computeVerdict } from '../../src/domain/verdict';
import { ok } from '../support/client';
import { liveClient } from '../support/live-client';
import { onPostgres, startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';
import { expectGapless, inPool, liveOk, liveOp, positionOf, ratings, readLog, readVotes, seededRandom, type RatingName } from './battery-support';

let server: TestServer;
beforeAll(async () => {
  // 200 reviewers share the test's one address: the per-address limit is a newsroom's, not a storm's.
  server = await startTestServer({ NODE_ENV: 'production', RATE_LIMIT_MUTATIONS_PER_IP: '1000000' });
});
afterAll(() => server?.stop());

// PGlite serves every statement through one connection (13 to 40 votes/s on a shared 2-core machine): the full
// 10,000 runs on PostgreSQL, and PGlite takes 2,000 so that the file stays near two minutes.
const calls = Number(process.env.BATTERY_VOTE_CALLS ?? (onPostgres ? 10_000 : 2_000));
const scale = onPostgres ? 'PostgreSQL' : 'PGlite, scaled down from 10000';
const reviewerCount = 200;
const claimCount = 5;
const inFlight = 64;
const organizations = ['Factcheck.kz', 'Vlast.kz', 'Azattyq', 'KazTAG', 'Desk'];
const policy = { quorum: 50, threshold: 0.6, minOrganizations: 3 };
// How strongly the reviewers lean towards FALSE on each claim: some claims reach consensus, some do not.
const leanings = [0.95, 0.8, 0.6, 0.35, 0.1];
const seed = Number(process.env.BATTERY_SEED ?? 20260105);

/** One planned castVote of a reviewer: a first vote, a change of rating, or a repeat of the same rating. */
interface PlannedVote {
  claim: number;
  rating: RatingName;
  kind: 'first' | 'change' | 'repeat';
  overSocket: boolean;
}

/**
 * The calls of one reviewer, in the order they are sent: a first vote on every claim, then
 * changes of rating and repeats of the current one, a fifth of all calls being repeats. Each
 * claim's chain of ratings is drawn backwards from the final one, so the final votes follow
 * the claim's leaning and some claims reach consensus.
 */
function planFor(reviewer: number, count: number): PlannedVote[] {
  const next = seededRandom(seed + reviewer);
  const uniform = () => ratings[Math.floor(next() * ratings.length)];
  const repeats = new Set<number>();
  const later = Array.from({ length: Math.max(0, count - claimCount) }, (_, i) => i + claimCount);
  while (repeats.size < Math.round(count / 5) && repeats.size < later.length) repeats.add(later[Math.floor(next() * later.length)]);
  const chains = Array.from({ length: claimCount }, (_, claim) => {
    const steps = Array.from({ length: count }, (_, i) => i).filter((i) => i % claimCount === claim && !repeats.has(i)).length;
    const chain: RatingName[] = [next() < leanings[claim] ? 'FALSE' : uniform()];
    while (chain.length < steps) {
      let rating = uniform();
      while (rating === chain[0]) rating = uniform();
      chain.unshift(rating);
    }
    return chain;
  });
  const current = new Map<number, RatingName>();
  return Array.from({ length: count }, (_, i) => {
    const claim = i % claimCount;
    const before = current.get(claim);
    const kind: PlannedVote['kind'] = before === undefined ? 'first' : repeats.has(i) ? 'repeat' : 'change';
    const rating = kind === 'repeat' ? before! : chains[claim].shift()!;
    current.set(claim, rating);
    return { claim, rating, kind, overSocket: (reviewer + i) % 4 === 0 };
  });
}

test(`castVote storm (${scale}): ${calls} calls by ${reviewerCount} reviewers on ${claimCount} claims, ${inFlight} in flight over HTTP and graphql-ws: none lost, none doubled`, async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, policy, 'Storm of votes in Almaty');
  const claimIds: string[] = [];
  for (let i = 0; i < claimCount; i++) claimIds.push(await world.submitClaim(editor, eventId, `Storm claim ${i}: the airport was seized`));
  const reviewers: (Member & { organization: string })[] = new Array(reviewerCount);
  await inPool([...Array(reviewerCount).keys()], 8, async (r) => {
    const organization = organizations[r % organizations.length];
    reviewers[r] = { ...(await world.reviewer(organization)), organization };
  });
  const perReviewer = Array.from({ length: reviewerCount }, (_, r) => Math.floor(calls / reviewerCount) + (r < calls % reviewerCount ? 1 : 0));
  const plans = perReviewer.map((count, r) => planFor(r, count));

  // Ground truth: the rating of each reviewer's last acknowledged call, per claim.
  const acknowledged = claimIds.map(() => new Map<string, RatingName>());
  const failures: string[] = [];
  let acknowledgedCalls = 0;
  let overSocket = 0;
  const started = performance.now();
  // Reviewers run concurrently, each one's calls in sequence, so "last" is defined per reviewer.
  await inPool(reviewers, inFlight, async (reviewer, r) => {
    const live = liveClient(server.url, reviewer.token);
    try {
      for (const vote of plans[r]) {
        const input = { claimId: claimIds[vote.claim], rating: vote.rating };
        try {
          const data = vote.overSocket
            ? liveOk(await liveOp(live.client, 'CastVote', { input }))
            : ok(await reviewer.api.op('CastVote', { input }));
          expect(data.castVote.vote.rating).toBe(vote.rating);
          acknowledged[vote.claim].set(reviewer.id, vote.rating);
          acknowledgedCalls++;
          if (vote.overSocket) overSocket++;
        } catch (error) {
          failures.push(`${vote.kind} over ${vote.overSocket ? 'ws' : 'http'}: ${(error as Error).message.slice(0, 300)}`);
        }
      }
    } finally {
      await live.dispose();
    }
  });
  const seconds = (performance.now() - started) / 1000;

  const organizationOf = new Map(reviewers.map((reviewer) => [reviewer.id, reviewer.organization]));
  let lost = 0;
  let doubled = 0;
  const outcomes: string[] = [];
  for (const [c, claimId] of claimIds.entries()) {
    const { votes, totalCount } = await readVotes(editor.api, claimId);
    const stored = new Map(votes.map((vote) => [vote.reviewerId, vote.rating]));
    doubled += totalCount - stored.size;
    for (const [reviewerId, rating] of acknowledged[c]) if (stored.get(reviewerId) !== rating) lost++;
    expect(stored).toEqual(acknowledged[c]);
    expect(totalCount).toBe(votes.length);

    const ballots = [...acknowledged[c]].map(([id, rating]) => ({ rating, organization: organizationOf.get(id)! }));
    const expected = computeVerdict(ballots as Parameters<typeof computeVerdict>[0], policy);
    const { verdict } = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
    expect(verdict).toMatchObject({ status: expected.status, rating: expected.rating, voteCount: expected.voteCount, tally: expected.tally });
    expect(verdict.agreement).toBeCloseTo(expected.agreement, 10);
    outcomes.push(`${expected.status}/${expected.rating}`);
  }

  const log = await readLog(editor.api, eventId);
  expectGapless(log);
  expect(log.filter((entry) => entry.type === 'VOTE_CAST')).toHaveLength(acknowledgedCalls);
  // Each claim's verdict changes are logged once each, versions 1..v in log order.
  for (const claimId of claimIds) {
    const versions = log.filter((entry) => entry.type === 'VERDICT_CHANGED' && entry.claim?.id === claimId).map((entry) => entry.verdict!.version);
    expect(versions).toEqual(versions.map((_, i) => i + 1));
  }
  expect(positionOf(log.at(-1)!.cursor)).toBe(log.length);

  const repeats = plans.flat().filter((vote) => vote.kind === 'repeat').length;
  console.log(
    `vote storm (${onPostgres ? 'PostgreSQL' : 'PGlite'}, production): calls=${calls} acknowledged=${acknowledgedCalls} ` +
      `(${overSocket} over graphql-ws, ${repeats} repeats) seconds=${seconds.toFixed(1)} votes/s=${(acknowledgedCalls / seconds).toFixed(0)} ` +
      `lost=${lost} doubled=${doubled} failed=${failures.length} log=${log.length} verdicts=${outcomes.join(',')}`,
  );
  expect(failures).toEqual([]);
  expect(acknowledgedCalls).toBe(calls);
  expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
}, 900_000);
