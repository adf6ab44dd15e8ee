import { computeVerdict } from '../../src/domain/verdict';
import { decodeCursor } from '../../src/domain/cursor';
import { ApiClient, errorCode, ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

const ratings = ['TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE', 'UNVERIFIABLE'] as const;
const organizations = ['Factcheck.kz', 'Vlast.kz', 'Desk'];

/** A small deterministic generator, so a failing run can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

/** Every entry of an event's log, through ActivitySince pages. */
async function readLog(api: ApiClient, eventId: string, after: string | null = null) {
  const entries: { cursor: string; type: string; claim: { id: string } | null; verdict: { version: number } | null }[] = [];
  for (;;) {
    const page = ok(await api.op('ActivitySince', { eventId, after, first: 100 })).activity;
    entries.push(...page.edges.map((edge: { node: (typeof entries)[number] }) => edge.node));
    if (!page.pageInfo.hasNextPage) return entries;
    after = page.pageInfo.endCursor;
  }
}

const positionOf = (cursor: string) => decodeCursor('lg', cursor, 'un')[1] as number;

test('30 reviewers of 3 organisations voting and re-voting on 10 claims at once lose nothing', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 3, threshold: 0.6, minOrganizations: 2 });
  const claimIds: string[] = [];
  for (let i = 0; i < 10; i++) claimIds.push(await world.submitClaim(editor, eventId, `Claim ${i} from Almaty`));
  const reviewers: (Member & { organization: string })[] = [];
  for (let i = 0; i < 30; i++) {
    const organization = organizations[i % 3];
    reviewers.push({ ...(await world.reviewer(organization)), organization });
  }

  // A reader follows the log while the votes go on, always from the last cursor it saw.
  let voting = true;
  const followed: string[] = [];
  const follower = (async () => {
    let after: string | null = null;
    while (voting) {
      const entries = await readLog(world.anonymous, eventId, after);
      followed.push(...entries.map((entry) => entry.cursor));
      after = followed.at(-1) ?? after;
    }
  })();

  // Each reviewer votes on every claim, then changes some votes and retracts others.
  const finalVotes = new Map<string, Map<string, string>>(claimIds.map((id) => [id, new Map()]));
  let acknowledged = 0;
  await Promise.all(
    reviewers.map(async (reviewer, r) => {
      const next = random(r + 1);
      for (const round of [0, 1]) {
        for (const claimId of claimIds) {
          const roll = next();
          if (round === 1 && roll < 0.3) {
            ok(await reviewer.api.op('RetractVote', { input: { claimId } }));
            finalVotes.get(claimId)!.delete(reviewer.id);
          } else if (round === 0 || roll < 0.7) {
            // Most reviewers lean towards FALSE, so some claims reach consensus and some do not.
            const rating = next() < 0.6 ? 'FALSE' : ratings[Math.floor(next() * ratings.length)];
            await world.vote(reviewer, claimId, rating);
            finalVotes.get(claimId)!.set(reviewer.id, rating);
          } else continue;
          acknowledged++;
        }
      }
    }),
  );
  voting = false;
  await follower;

  const organizationOf = new Map(reviewers.map((reviewer) => [reviewer.id, reviewer.organization]));
  const statuses: string[] = [];
  for (const claimId of claimIds) {
    const claim = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
    const expectedVotes = finalVotes.get(claimId)!;
    const stored = new Map<string, string>(
      claim.votes.edges.map((edge: { node: { reviewer: { id: string }; rating: string } }) => [edge.node.reviewer.id, edge.node.rating]),
    );
    expect(stored).toEqual(expectedVotes);
    const ballots = [...expectedVotes].map(([id, rating]) => ({ rating: rating as (typeof ratings)[number], counts: true, organization: organizationOf.get(id)! }));
    const expected = computeVerdict(ballots, { quorum: 3, threshold: 0.6, minOrganizations: 2 });
    expect(claim.verdict).toMatchObject({
      status: expected.status,
      rating: expected.rating,
      voteCount: expected.voteCount,
      tally: expected.tally,
    });
    expect(claim.verdict.agreement).toBeCloseTo(expected.agreement, 10);
    const versions = claim.history.edges.map((edge: { node: { verdict: { version: number } } }) => edge.node.verdict.version);
    expect(versions).toEqual(versions.map((_: number, i: number) => i + 1));
    expect(versions.at(-1)).toBe(claim.verdict.version);
    statuses.push(claim.verdict.status);
  }

  const log = await readLog(world.anonymous, eventId);
  const positions = log.map((entry) => positionOf(entry.cursor));
  expect(positions).toEqual(positions.map((_, i) => i + 1));
  expect(log.filter((entry) => entry.type === 'VOTE_CAST' || entry.type === 'VOTE_RETRACTED')).toHaveLength(acknowledged);
  // What the follower saw while writes were going on is exactly a prefix of the final log:
  // no entry it skipped appeared later at an earlier position.
  expect(followed).toEqual(log.slice(0, followed.length).map((entry) => entry.cursor));
  console.log(
    `concurrency: ${acknowledged} votes and retractions by 30 reviewers on 10 claims; ${log.length} log entries; ` +
      `a follower saw ${followed.length}, in order; statuses ${JSON.stringify(statuses)}`,
  );
});

test('votes cast while members are suspended and reinstated leave every verdict equal to the rule applied to the counted votes', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const policy = { quorum: 3, threshold: 0.6, minOrganizations: 2 };
  const eventId = await world.openEvent(editor, policy);
  const claimIds: string[] = [];
  for (let i = 0; i < 6; i++) claimIds.push(await world.submitClaim(editor, eventId, `Claim ${i} about the curfew`));
  const reviewers: (Member & { organization: string; membershipId: string })[] = [];
  for (let i = 0; i < 12; i++) {
    const organization = organizations[i % 3];
    const member = await world.reviewer(organization);
    const membershipId = ok(await member.api.op('ViewerMembership')).viewer.membership.id;
    reviewers.push({ ...member, organization, membershipId });
  }
  const suspendedAtEnd = new Set<string>();
  const finalVotes = new Map<string, Map<string, string>>(claimIds.map((id) => [id, new Map()]));
  let refused = 0;

  // Every reviewer votes on every claim twice over while the admin suspends four of them,
  // reinstates two, and suspends one of those again.
  const voting = reviewers.map(async (reviewer, r) => {
    const next = random(100 + r);
    for (const round of [0, 1]) {
      for (const claimId of claimIds) {
        const rating = next() < 0.7 ? 'FALSE' : ratings[Math.floor(next() * ratings.length)];
        if (round === 1 && next() < 0.5) continue;
        const response = await reviewer.api.op('CastVote', { input: { claimId, rating } });
        if (errorCode(response) === 'FORBIDDEN') refused++;
        else finalVotes.get(claimId)!.set(reviewer.id, ok(response).castVote.vote.rating);
      }
    }
  });
  const trust = (async () => {
    const act = async (operation: string, reviewer: (typeof reviewers)[number]) => {
      const input = operation === 'SuspendMember' ? { membershipId: reviewer.membershipId, reason: 'Concurrency check' } : { membershipId: reviewer.membershipId };
      ok(await world.admin.api.op(operation, { input }));
      if (operation === 'SuspendMember') suspendedAtEnd.add(reviewer.id);
      else suspendedAtEnd.delete(reviewer.id);
    };
    for (const r of [0, 4, 8, 5]) await act('SuspendMember', reviewers[r]);
    for (const r of [4, 8]) await act('ReinstateMember', reviewers[r]);
    await act('SuspendMember', reviewers[8]);
  })();
  await Promise.all([...voting, trust]);

  for (const claimId of claimIds) {
    const claim = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
    const stored = new Map<string, string>(
      claim.votes.edges.map((edge: { node: { reviewer: { id: string }; rating: string } }) => [edge.node.reviewer.id, edge.node.rating]),
    );
    expect(stored).toEqual(finalVotes.get(claimId));
    const ballots = [...stored].map(([id, rating]) => ({
      rating: rating as (typeof ratings)[number],
      counts: !suspendedAtEnd.has(id),
      organization: reviewers.find((reviewer) => reviewer.id === id)!.organization,
    }));
    const expected = computeVerdict(ballots, policy);
    expect(claim.verdict).toMatchObject({ status: expected.status, rating: expected.rating, voteCount: expected.voteCount, tally: expected.tally });
    expect(ok(await editor.api.op('ClaimTrust', { id: claimId })).claim.verdict).toMatchObject({
      organizationCount: expected.organizationCount,
      explanation: expected.explanation,
    });
    const versions = claim.history.edges.map((edge: { node: { verdict: { version: number } } }) => edge.node.verdict.version);
    expect(versions).toEqual(versions.map((_: number, i: number) => i + 1));
  }
  console.log(`concurrency with suspensions: ${refused} votes refused from suspended members; ${suspendedAtEnd.size} suspended at the end`);
});
