import { Rating, VerdictStatus } from '../../src/generated/schema-types';
import { DEFAULT_POLICY, type ConsensusPolicy } from '../../src/domain/policy';
import { computeVerdict, outcomeChanged, type Ballot, type VerdictState } from '../../src/domain/verdict';
import type { VerdictOutcome } from '../../src/domain/verdict-outcome';

const { True, MostlyTrue, Mixed, Misleading, MostlyFalse, False, Unverifiable } = Rating;

/** `count` counted votes for one rating, all cast by members of the verified organisation `organization`. */
function votes(count: number, rating: Rating, organization: string | null = null): Ballot[] {
  return Array.from({ length: count }, () => vote(rating, organization));
}

const vote = (rating: Rating, organization: string | null = null): Ballot => ({ rating, counts: true, organization });

/** The same votes cast by reviewers whose votes do not count (OBSERVER or suspended). */
const uncounted = (ballots: Ballot[]): Ballot[] => ballots.map((ballot) => ({ ...ballot, counts: false }));

const policy = (change: Partial<ConsensusPolicy> = {}): ConsensusPolicy => ({ ...DEFAULT_POLICY, ...change });

describe('computeVerdict: status', () => {
  test.each<{ name: string; ballots: Ballot[]; policy: ConsensusPolicy; status: VerdictStatus }>([
    { name: 'no votes', ballots: [], policy: policy(), status: VerdictStatus.Unverified },
    { name: 'one vote below the default quorum of 3', ballots: votes(1, True), policy: policy(), status: VerdictStatus.InReview },
    { name: 'two unanimous votes are still below quorum', ballots: votes(2, True), policy: policy(), status: VerdictStatus.InReview },
    { name: 'three unanimous votes', ballots: votes(3, True), policy: policy(), status: VerdictStatus.Consensus },
    {
      name: 'two of three carry it under the defaults (2/3 >= 0.66)',
      ballots: [...votes(2, False), vote(True)],
      policy: policy(),
      status: VerdictStatus.Consensus,
    },
    {
      name: 'two of three fall short of a 0.67 threshold',
      ballots: [...votes(2, False), vote(True)],
      policy: policy({ threshold: 0.67 }),
      status: VerdictStatus.Contested,
    },
    {
      name: 'agreement exactly at the threshold (3/4 = 0.75)',
      ballots: [...votes(3, Mixed), vote(False)],
      policy: policy({ quorum: 4, threshold: 0.75 }),
      status: VerdictStatus.Consensus,
    },
    {
      name: 'agreement exactly at the threshold (3/5 = 0.6)',
      ballots: [...votes(3, Mixed), ...votes(2, False)],
      policy: policy({ quorum: 5, threshold: 0.6 }),
      status: VerdictStatus.Consensus,
    },
    {
      name: 'agreement just below the threshold (3/4 < 0.76)',
      ballots: [...votes(3, Mixed), vote(False)],
      policy: policy({ quorum: 4, threshold: 0.76 }),
      status: VerdictStatus.Contested,
    },
    {
      name: 'one vote short of quorum, whatever the agreement',
      ballots: votes(4, True),
      policy: policy({ quorum: 5 }),
      status: VerdictStatus.InReview,
    },
    {
      name: 'votes exactly at quorum leave review',
      ballots: votes(5, True),
      policy: policy({ quorum: 5 }),
      status: VerdictStatus.Consensus,
    },
    { name: 'a quorum of 1 decides on the first vote', ballots: votes(1, False), policy: policy({ quorum: 1 }), status: VerdictStatus.Consensus },
    {
      name: 'threshold 1 needs every vote (4 of 5)',
      ballots: [...votes(4, True), vote(MostlyTrue)],
      policy: policy({ threshold: 1 }),
      status: VerdictStatus.Contested,
    },
    { name: 'threshold 1 with every vote', ballots: votes(5, True), policy: policy({ threshold: 1 }), status: VerdictStatus.Consensus },
    {
      name: 'a tie for the lead with quorum reached',
      ballots: [...votes(2, True), ...votes(2, False)],
      policy: policy(),
      status: VerdictStatus.Contested,
    },
    {
      name: 'a three-way tie with quorum reached',
      ballots: [vote(True), vote(Mixed), vote(False)],
      policy: policy(),
      status: VerdictStatus.Contested,
    },
    { name: 'a tie below quorum', ballots: [vote(True), vote(False)], policy: policy(), status: VerdictStatus.InReview },
    {
      name: 'a sole leader without enough agreement',
      ballots: [...votes(2, True), vote(Mixed), vote(False)],
      policy: policy(),
      status: VerdictStatus.Contested,
    },
  ])('$name: $status', ({ ballots, policy, status }) => {
    expect(computeVerdict(ballots, policy).status).toBe(status);
  });
});

describe('computeVerdict: distinct organisations behind the agreed rating', () => {
  test.each<{ name: string; ballots: Ballot[]; minOrganizations: number; status: VerdictStatus }>([
    {
      name: 'm=2, both agreeing voters from one organisation',
      ballots: [...votes(2, True, 'org-factcheck'), vote(False, 'org-stopfake')],
      minOrganizations: 2,
      status: VerdictStatus.Contested,
    },
    {
      name: 'm=2, agreeing voters from two organisations',
      ballots: [vote(True, 'org-factcheck'), vote(True, 'org-stopfake'), vote(False, 'org-vlast')],
      minOrganizations: 2,
      status: VerdictStatus.Consensus,
    },
    {
      name: 'm=2, a reviewer with no organisation counts toward none',
      ballots: [vote(True, 'org-factcheck'), vote(True, null), vote(True, null)],
      minOrganizations: 2,
      status: VerdictStatus.Contested,
    },
    {
      name: 'm=2, dissenting voters do not lend their organisation',
      ballots: [...votes(3, True, 'org-factcheck'), vote(False, 'org-stopfake')],
      minOrganizations: 2,
      status: VerdictStatus.Contested,
    },
    {
      name: 'm=3 with three organisations among the agreeing voters',
      ballots: [vote(False, 'org-a'), vote(False, 'org-b'), vote(False, 'org-c'), vote(False, 'org-c')],
      minOrganizations: 3,
      status: VerdictStatus.Consensus,
    },
    {
      name: 'm=3 with only two organisations among the agreeing voters',
      ballots: [vote(False, 'org-a'), vote(False, 'org-b'), vote(False, 'org-b'), vote(False, null)],
      minOrganizations: 3,
      status: VerdictStatus.Contested,
    },
    {
      name: 'm=1 needs no organisation at all',
      ballots: votes(3, True, null),
      minOrganizations: 1,
      status: VerdictStatus.Consensus,
    },
    {
      name: 'm=1 is met by a single organisation',
      ballots: votes(3, True, 'org-factcheck'),
      minOrganizations: 1,
      status: VerdictStatus.Consensus,
    },
    {
      name: 'm=2 cannot rescue agreement below the threshold',
      ballots: [vote(True, 'org-a'), vote(True, 'org-b'), vote(False, 'org-c'), vote(Mixed, 'org-d')],
      minOrganizations: 2,
      status: VerdictStatus.Contested,
    },
    {
      name: 'm=2 does not matter below quorum',
      ballots: [vote(True, 'org-a'), vote(True, 'org-a')],
      minOrganizations: 2,
      status: VerdictStatus.InReview,
    },
  ])('$name: $status', ({ ballots, minOrganizations, status }) => {
    expect(computeVerdict(ballots, policy({ minOrganizations })).status).toBe(status);
  });

  test('an organisation failing m still leaves the rating and agreement as counted', () => {
    const outcome = computeVerdict(votes(3, True, 'org-factcheck'), policy({ minOrganizations: 2 }));

    expect(outcome).toEqual({
      status: VerdictStatus.Contested,
      rating: True,
      agreement: 1,
      voteCount: 3,
      tally: [{ rating: True, votes: 3 }],
      organizationCount: 1,
      explanation: '3 of 3 votes, 100% TRUE, but 1 of 2 verified organisations.',
    });
  });
});

describe('computeVerdict: organizationCount', () => {
  test('three voters of one verified organisation under minOrganizations 2 are CONTESTED with one organisation', () => {
    const outcome = computeVerdict(votes(3, False, 'org-vlast'), policy({ minOrganizations: 2 }));

    expect(outcome.status).toBe(VerdictStatus.Contested);
    expect(outcome.organizationCount).toBe(1);
    expect(outcome.explanation).toBe('3 of 3 votes, 100% FALSE, but 1 of 2 verified organisations.');
  });

  test('an organisation counts once however many of its members voted', () => {
    const outcome = computeVerdict([...votes(5, False, 'org-vlast'), vote(False, 'org-stopfake')], policy({ minOrganizations: 3 }));

    expect(outcome.organizationCount).toBe(2);
    expect(outcome.status).toBe(VerdictStatus.Contested);
  });

  test('an uncounted voter\'s organisation does not count', () => {
    const strict = policy({ minOrganizations: 2 });
    const withStopFake = [...votes(3, False, 'org-vlast'), vote(False, 'org-stopfake')];

    expect(computeVerdict(withStopFake, strict)).toMatchObject({ organizationCount: 2, status: VerdictStatus.Consensus });
    expect(computeVerdict([...votes(3, False, 'org-vlast'), ...uncounted([vote(False, 'org-stopfake')])], strict)).toMatchObject({
      organizationCount: 1,
      status: VerdictStatus.Contested,
    });
  });

  test('voters with no verified organisation count toward none', () => {
    expect(computeVerdict([vote(False, 'org-vlast'), ...votes(3, False, null)], policy()).organizationCount).toBe(1);
    expect(computeVerdict(votes(3, False, null), policy()).organizationCount).toBe(0);
  });

  test('voters for other ratings lend no organisation', () => {
    const outcome = computeVerdict([...votes(3, True, 'org-a'), vote(False, 'org-b'), vote(Mixed, 'org-c')], policy());

    expect(outcome.rating).toBe(True);
    expect(outcome.organizationCount).toBe(1);
  });

  test('a tie for the lead gives 0', () => {
    const outcome = computeVerdict([...votes(2, True, 'org-a'), ...votes(2, False, 'org-b')], policy({ minOrganizations: 2 }));

    expect(outcome.rating).toBeNull();
    expect(outcome.organizationCount).toBe(0);
  });

  test('is reported under minOrganizations 1 too, though the rule asks for none', () => {
    const outcome = computeVerdict([vote(True, 'org-a'), vote(True, 'org-b'), vote(True, null)], policy({ minOrganizations: 1 }));

    expect(outcome).toMatchObject({ status: VerdictStatus.Consensus, organizationCount: 2 });
  });
});

describe('computeVerdict: votes that do not count', () => {
  test('are left out of the count, tally, agreement and status, but named in the explanation', () => {
    const outcome = computeVerdict([...votes(2, True, 'org-a'), ...uncounted(votes(2, False, 'org-b'))], policy());

    expect(outcome).toEqual({
      status: VerdictStatus.InReview,
      rating: True,
      agreement: 1,
      voteCount: 2,
      tally: [{ rating: True, votes: 2 }],
      organizationCount: 1,
      explanation: '2 of 3 votes: below quorum. 2 votes do not count.',
    });
  });

  test('cannot turn a consensus into a tie', () => {
    const outcome = computeVerdict([...votes(3, True), ...uncounted(votes(3, False))], policy());

    expect(outcome).toMatchObject({ status: VerdictStatus.Consensus, rating: True, agreement: 1, voteCount: 3 });
    expect(outcome.explanation).toBe('3 of 3 votes, 100% TRUE, at least the 66% threshold. 3 votes do not count.');
  });

  test('change nothing but the explanation', () => {
    const ballots = [...votes(3, False, 'org-a'), vote(True, 'org-b')];
    const withUncounted = computeVerdict([...ballots, ...uncounted([vote(True, 'org-c')])], policy());

    expect(withUncounted).toEqual({ ...computeVerdict(ballots, policy()), explanation: withUncounted.explanation });
    expect(withUncounted.explanation).toBe('4 votes (quorum 3), 75% FALSE, at least the 66% threshold. 1 vote does not count.');
  });

  test('only uncounted votes leave the claim UNVERIFIED', () => {
    expect(computeVerdict(uncounted(votes(4, True, 'org-a')), policy())).toEqual({
      status: VerdictStatus.Unverified,
      rating: null,
      agreement: 0,
      voteCount: 0,
      tally: [],
      organizationCount: 0,
      explanation: 'No votes that count yet. 4 votes do not count.',
    });
  });

  test('votes that stop counting take a claim from CONSENSUS back to IN_REVIEW', () => {
    const ballots = votes(3, False, 'org-a');
    const before = computeVerdict(ballots, policy());
    const after = computeVerdict([ballots[0], ...uncounted(ballots.slice(1))], policy());

    expect(before.status).toBe(VerdictStatus.Consensus);
    expect(after).toMatchObject({ status: VerdictStatus.InReview, voteCount: 1, explanation: '1 of 3 votes: below quorum. 2 votes do not count.' });
    expect(outcomeChanged(before, after)).toBe(true);
  });
});

describe('computeVerdict: rating, agreement and vote count', () => {
  test('no votes: no rating, agreement 0, empty tally', () => {
    expect(computeVerdict([], policy())).toEqual({
      status: VerdictStatus.Unverified,
      rating: null,
      agreement: 0,
      voteCount: 0,
      tally: [],
      organizationCount: 0,
      explanation: 'No votes that count yet.',
    });
  });

  test('a sole leader is the rating and its share is the agreement', () => {
    const outcome = computeVerdict([...votes(3, MostlyFalse), vote(False), vote(Misleading)], policy());

    expect(outcome.rating).toBe(MostlyFalse);
    expect(outcome.agreement).toBe(3 / 5);
    expect(outcome.voteCount).toBe(5);
  });

  test('a tie for the lead gives no rating, and agreement is the leaders\' share', () => {
    const outcome = computeVerdict([...votes(2, True), ...votes(2, False), vote(Mixed)], policy());

    expect(outcome.status).toBe(VerdictStatus.Contested);
    expect(outcome.rating).toBeNull();
    expect(outcome.agreement).toBe(2 / 5);
  });

  test('a tie lower down the tally does not cost the leader its rating', () => {
    const outcome = computeVerdict([...votes(3, True), vote(Mixed), vote(False)], policy());

    expect(outcome.rating).toBe(True);
    expect(outcome.agreement).toBe(3 / 5);
  });

  test('below quorum the sole leader is still reported', () => {
    const outcome = computeVerdict([vote(Unverifiable)], policy());

    expect(outcome).toEqual({
      status: VerdictStatus.InReview,
      rating: Unverifiable,
      agreement: 1,
      voteCount: 1,
      tally: [{ rating: Unverifiable, votes: 1 }],
      organizationCount: 0,
      explanation: '1 of 3 votes: below quorum.',
    });
  });
});

describe('computeVerdict: tally', () => {
  test('lists ratings with votes, most first', () => {
    const { tally } = computeVerdict([vote(True), ...votes(3, False), ...votes(2, Mixed)], policy());

    expect(tally).toEqual([
      { rating: False, votes: 3 },
      { rating: Mixed, votes: 2 },
      { rating: True, votes: 1 },
    ]);
  });

  test('equal counts follow the Rating enum order, not the order the votes came in', () => {
    const ballots = [vote(Unverifiable), vote(False), vote(MostlyFalse), vote(Misleading), vote(Mixed), vote(MostlyTrue), vote(True)];

    expect(computeVerdict(ballots, policy()).tally.map((entry) => entry.rating)).toEqual([
      True,
      MostlyTrue,
      Mixed,
      Misleading,
      MostlyFalse,
      False,
      Unverifiable,
    ]);
  });

  test('ties below the lead also follow the enum order', () => {
    const ballots = [...votes(3, Unverifiable), vote(Misleading), ...votes(2, False), vote(MostlyTrue), ...votes(2, Mixed)];

    expect(computeVerdict(ballots, policy()).tally).toEqual([
      { rating: Unverifiable, votes: 3 },
      { rating: Mixed, votes: 2 },
      { rating: False, votes: 2 },
      { rating: MostlyTrue, votes: 1 },
      { rating: Misleading, votes: 1 },
    ]);
  });

  test('the same votes in any order give the same outcome', () => {
    const ballots = [vote(False, 'org-a'), vote(True, 'org-b'), vote(False, 'org-c'), vote(Mixed, null), vote(True, 'org-a'), vote(False, 'org-b')];
    const strict = policy({ minOrganizations: 2 });

    expect(computeVerdict([...ballots].reverse(), strict)).toEqual(computeVerdict(ballots, strict));
  });

  test('the tally counts every vote exactly once', () => {
    const ballots = [...votes(4, Misleading), ...votes(2, MostlyFalse), vote(Unverifiable)];
    const { tally, voteCount } = computeVerdict(ballots, policy());

    expect(tally.reduce((sum, entry) => sum + entry.votes, 0)).toBe(voteCount);
    expect(voteCount).toBe(7);
  });
});

describe('computeVerdict: published', () => {
  test.each<{ name: string; ballots: Ballot[] }>([
    { name: 'no votes', ballots: [] },
    { name: 'below quorum', ballots: votes(1, True) },
    { name: 'a tie', ballots: [...votes(2, True), ...votes(2, False)] },
    { name: 'consensus', ballots: votes(3, True) },
  ])('a published verdict stays PUBLISHED with $name', ({ ballots }) => {
    expect(computeVerdict(ballots, policy(), true).status).toBe(VerdictStatus.Published);
  });

  test('publishing changes only the status and explanation; the counts are as the votes say', () => {
    const ballots = [...votes(2, False, 'org-a'), vote(True, 'org-b')];

    expect(computeVerdict(ballots, policy(), true)).toEqual({
      ...computeVerdict(ballots, policy()),
      status: VerdictStatus.Published,
      explanation: 'Published by an editor.',
    });
  });

  test('unpublished is the default', () => {
    expect(computeVerdict(votes(3, True), policy()).status).toBe(VerdictStatus.Consensus);
  });
});

describe('outcomeChanged', () => {
  const before: VerdictOutcome = {
    status: VerdictStatus.Consensus,
    rating: True,
    agreement: 2 / 3,
    voteCount: 3,
    tally: [
      { rating: True, votes: 2 },
      { rating: False, votes: 1 },
    ],
    organizationCount: 1,
    explanation: '3 of 3 votes, 66.6% TRUE, at least the 66% threshold.',
  };

  test('an equal outcome in fresh objects is no change', () => {
    expect(outcomeChanged(before, structuredClone(before))).toBe(false);
  });

  test('the stored state\'s version, timestamps and summary are not part of the outcome', () => {
    const stored: VerdictState = {
      ...before,
      version: 7,
      updatedAt: new Date('2025-01-01T00:00:00Z'),
      publishedAt: null,
      publishedById: null,
      summary: 'Old summary',
    };

    expect(outcomeChanged(stored, { ...before })).toBe(false);
  });

  test('a tally read back from storage with its keys in another order is no change', () => {
    // PostgreSQL jsonb reorders object keys: {"rating","votes"} comes back as {"votes","rating"}.
    const stored: VerdictOutcome = {
      ...before,
      tally: [
        { votes: 2, rating: True },
        { votes: 1, rating: False },
      ],
    };

    expect(outcomeChanged(stored, before)).toBe(false);
  });

  test.each<{ name: string; after: VerdictOutcome }>([
    { name: 'status', after: { ...before, status: VerdictStatus.Contested } },
    { name: 'rating', after: { ...before, rating: null } },
    { name: 'agreement', after: { ...before, agreement: 0.75 } },
    { name: 'vote count', after: { ...before, voteCount: 4 } },
    { name: 'organisation count', after: { ...before, organizationCount: 2 } },
    { name: 'explanation', after: { ...before, explanation: '3 of 3 votes, 66.6% TRUE, at least the 66% threshold. 1 vote does not count.' } },
    {
      name: 'tally counts',
      after: {
        ...before,
        tally: [
          { rating: True, votes: 2 },
          { rating: Mixed, votes: 1 },
        ],
      },
    },
    { name: 'tally length', after: { ...before, tally: [{ rating: True, votes: 2 }] } },
    { name: 'tally order', after: { ...before, tally: [...before.tally].reverse() } },
  ])('a different $name is a change', ({ after }) => {
    expect(outcomeChanged(before, after)).toBe(true);
    expect(outcomeChanged(after, before)).toBe(true);
  });

  test('a new vote that keeps status and rating is still a change', () => {
    const ballots = [...votes(2, True), vote(False)];

    expect(outcomeChanged(computeVerdict(ballots, policy()), computeVerdict([...ballots, vote(True)], policy()))).toBe(true);
  });

  test('a vote that does not count is still a change: the explanation names it', () => {
    const ballots = votes(3, True);

    expect(outcomeChanged(computeVerdict(ballots, policy()), computeVerdict([...ballots, ...uncounted([vote(True)])], policy()))).toBe(true);
  });

  test('recomputing from the same votes in another order is no change', () => {
    const ballots = [vote(True, 'org-a'), vote(False, 'org-b'), vote(True, 'org-c')];

    expect(outcomeChanged(computeVerdict(ballots, policy()), computeVerdict([...ballots].reverse(), policy()))).toBe(false);
  });
});
