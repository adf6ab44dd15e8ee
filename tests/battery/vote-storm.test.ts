import { EventEmitter } from 'node:events';
import { decodeGlobalId } from '../../src/domain/global-id';
import { countsTowardVerdict } from '../../src/domain/trust';
import { computeVerdict, type Ballot } from '../../src/domain/verdict';
import type { Role } from '../../src/generated/schema-types';
import { ok } from '../support/client';
import { liveClient } from '../support/live-client';
import { onPostgres, startTestServer, TestServer } from '../support/test-server';
import { until } from '../support/until';
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

/**
 * Whether each voter's votes count and for which organisation, read from the database as the
 * verdict rule reads it (verdict-changes.ts, ballotsOf): the role and any SUSPENDED membership
 * decide whether the votes count; an ACTIVE membership of a verified organisation names it.
 */
async function standingOf(reviewerIds: readonly string[]): Promise<Map<string, Pick<Ballot, 'counts' | 'organization'>>> {
  const rows: { id: string; role: Role; suspended: boolean; organization: string | null }[] = await server.server.database.dataSource.query(
    `SELECT r.id, r.role,
            EXISTS (SELECT 1 FROM memberships s WHERE s.reviewer_id = r.id AND s.status = 'SUSPENDED') AS suspended,
            (SELECT m.organization_id FROM memberships m JOIN organizations o ON o.id = m.organization_id
              WHERE m.reviewer_id = r.id AND m.status = 'ACTIVE' AND o.verified) AS organization
       FROM reviewers r WHERE r.id = ANY($1::uuid[])`,
    [reviewerIds],
  );
  return new Map(rows.map((row) => [row.id, { counts: countsTowardVerdict(row), organization: row.organization }]));
}

// While the votes fly, the admin changes who may vote: suspends every 19th reviewer (from the 4th), reinstating
// every other one of them a little later, and takes one organisation's verification away.
const suspendedReviewers = Array.from({ length: 10 }, (_, k) => 3 + 19 * k);
const reinstatedReviewers = suspendedReviewers.filter((_, k) => k % 2 === 0);
const unverified = 'KazTAG';

/** When a reviewer was suspended and reinstated: each change from its sending to its answer (ms, performance.now()). */
interface Suspension {
  suspend: { sent: number; answered: number };
  reinstate?: { sent: number; answered: number };
}

/** A CastVote of a reviewer who is suspended during the storm: when it was sent and answered, and how. */
interface WatchedCall {
  reviewer: number;
  sent: number;
  answered: number;
  outcome: 'acknowledged' | 'FORBIDDEN';
}

test(`castVote storm (${scale}): ${calls} calls by ${reviewerCount} reviewers on ${claimCount} claims, ${inFlight} in flight over HTTP and graphql-ws, while reviewers are suspended and reinstated and an organisation unverified: none lost, none doubled, verdicts as the rule says`, async () => {
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
  const membershipIds = new Map<number, string>();
  for (const r of suspendedReviewers) membershipIds.set(r, ok(await reviewers[r].api.op('ViewerMembership')).viewer.membership.id);
  const perReviewer = Array.from({ length: reviewerCount }, (_, r) => Math.floor(calls / reviewerCount) + (r < calls % reviewerCount ? 1 : 0));
  const plans = perReviewer.map((count, r) => planFor(r, count));

  // Ground truth: the rating of each reviewer's last acknowledged call, per claim.
  const acknowledged = claimIds.map(() => new Map<string, RatingName>());
  const failures: string[] = [];
  const watched: WatchedCall[] = [];
  const suspensions = new Map<number, Suspension>();
  let acknowledgedCalls = 0;
  let answeredCalls = 0;
  let overSocket = 0;
  let stormOver = false;
  const answers = new EventEmitter();
  const started = performance.now();

  // Reviewers run concurrently, each one's calls in sequence, so "last" is defined per reviewer.
  const storm = inPool(reviewers, inFlight, async (reviewer, r) => {
    const live = liveClient(server.url, reviewer.token);
    try {
      for (const vote of plans[r]) {
        const input = { claimId: claimIds[vote.claim], rating: vote.rating };
        const sent = performance.now();
        try {
          const answer = vote.overSocket ? await liveOp(live.client, 'CastVote', { input }) : await reviewer.api.op('CastVote', { input });
          const code = answer.errors?.[0]?.extensions?.code;
          if (suspendedReviewers.includes(r)) {
            if (!answer.errors || code === 'FORBIDDEN') watched.push({ reviewer: r, sent, answered: performance.now(), outcome: answer.errors ? 'FORBIDDEN' : 'acknowledged' });
            if (code === 'FORBIDDEN') continue;
          }
          const data = liveOk(answer);
          expect(data.castVote.vote.rating).toBe(vote.rating);
          acknowledged[vote.claim].set(reviewer.id, vote.rating);
          acknowledgedCalls++;
          if (vote.overSocket) overSocket++;
        } catch (error) {
          failures.push(`${vote.kind} over ${vote.overSocket ? 'ws' : 'http'}: ${(error as Error).message.slice(0, 300)}`);
        } finally {
          answeredCalls++;
          answers.emit('answered');
        }
      }
    } finally {
      await live.dispose();
    }
  }).finally(() => {
    stormOver = true;
    answers.emit('answered');
  });

  /** Waits until a share of the calls has been answered (or the storm is over). */
  const progress = (share: number) => until(answers, 'answered', () => stormOver || answeredCalls >= calls * share, `${share * 100}% of the calls answered`, 600_000);
  const timed = async (mutation: () => Promise<unknown>) => {
    const sent = performance.now();
    await mutation();
    return { sent, answered: performance.now() };
  };
  const trustChanges = (async () => {
    const admin = world.admin.api;
    for (const [k, r] of suspendedReviewers.entries()) {
      await progress((k + 1) / (suspendedReviewers.length + 3));
      const membershipId = membershipIds.get(r)!;
      suspensions.set(r, { suspend: await timed(async () => ok(await admin.op('SuspendMember', { input: { membershipId, reason: 'Voting from a sock puppet account' } }))) });
      if (k === suspendedReviewers.length / 2) {
        const organizationId = await world.organization(unverified);
        ok(await admin.op('SetOrganizationVerified', { input: { organizationId, verified: false } }));
      }
      const back = suspendedReviewers[k - 2];
      if (reinstatedReviewers.includes(back)) {
        suspensions.get(back)!.reinstate = await timed(async () => ok(await admin.op('ReinstateMember', { input: { membershipId: membershipIds.get(back)! } })));
      }
    }
    for (const back of reinstatedReviewers.filter((r) => !suspensions.get(r)!.reinstate)) {
      suspensions.get(back)!.reinstate = await timed(async () => ok(await admin.op('ReinstateMember', { input: { membershipId: membershipIds.get(back)! } })));
    }
  })();
  await Promise.all([storm, trustChanges]);
  const seconds = (performance.now() - started) / 1000;

  // A suspended member cannot vote: no call sent after its suspension was answered, and answered before its
  // reinstatement was sent, is acknowledged; and FORBIDDEN only ever answers a call that overlaps a suspension.
  const misjudged = watched.filter((call) => {
    const { suspend, reinstate } = suspensions.get(call.reviewer) ?? {};
    const surelySuspended = suspend !== undefined && call.sent >= suspend.answered && call.answered <= (reinstate?.sent ?? Infinity);
    const maybeSuspended = suspend !== undefined && call.answered >= suspend.sent && call.sent <= (reinstate?.answered ?? Infinity);
    return call.outcome === 'acknowledged' ? surelySuspended : !maybeSuspended;
  });
  const refusedCalls = watched.filter((call) => call.outcome === 'FORBIDDEN').length;

  // Who may vote now, as the verdict rule reads it: the suspended without reinstatement do not count and have
  // no ACTIVE membership; the members of the unverified organisation count for none.
  const standing = await standingOf(reviewers.map((reviewer) => decodeGlobalId(reviewer.id, 'Reviewer')));
  const enrolledIn = new Map(await Promise.all(organizations.map(async (name) => [name, decodeGlobalId(await world.organization(name), 'Organization')] as const)));
  const misread = reviewers.flatMap((reviewer, r) => {
    const voter = standing.get(decodeGlobalId(reviewer.id, 'Reviewer'));
    const stillSuspended = suspendedReviewers.includes(r) && !reinstatedReviewers.includes(r);
    const expected = { counts: !stillSuspended, organization: stillSuspended || reviewer.organization === unverified ? null : enrolledIn.get(reviewer.organization) };
    return voter?.counts === expected.counts && voter.organization === expected.organization ? [] : [`${r} of ${reviewer.organization}: ${JSON.stringify(voter)}`];
  });
  expect(misread).toEqual([]);

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

    const ballots: Ballot[] = [...acknowledged[c]].map(([id, rating]) => ({ rating: rating as Ballot['rating'], ...standing.get(decodeGlobalId(id, 'Reviewer'))! }));
    const expected = computeVerdict(ballots, policy);
    const { verdict } = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
    const trust = ok(await editor.api.op('ClaimTrust', { id: claimId })).claim.verdict;
    expect({ ...verdict, ...trust }).toMatchObject({
      status: expected.status,
      rating: expected.rating,
      voteCount: expected.voteCount,
      tally: expected.tally,
      organizationCount: expected.organizationCount,
      explanation: expected.explanation,
    });
    expect(verdict.agreement).toBeCloseTo(expected.agreement, 10);
    outcomes.push(`${expected.status}/${expected.rating}/${expected.organizationCount}`);
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
      `(${overSocket} over graphql-ws, ${repeats} repeats) refused as suspended=${refusedCalls} ` +
      `seconds=${seconds.toFixed(1)} votes/s=${(acknowledgedCalls / seconds).toFixed(0)} ` +
      `lost=${lost} doubled=${doubled} failed=${failures.length} log=${log.length} verdicts=${outcomes.join(',')}`,
  );
  expect(failures).toEqual([]);
  expect(misjudged).toEqual([]);
  expect(acknowledgedCalls + refusedCalls).toBe(calls);
  expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
}, 900_000);
