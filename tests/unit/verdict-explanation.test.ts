import { Rating, VerdictStatus } from '../../src/generated/schema-types';
import { DEFAULT_POLICY, type ConsensusPolicy } from '../../src/domain/policy';
import { computeVerdict, type Ballot } from '../../src/domain/verdict';
import { explainPublished, explainVerdict } from '../../src/domain/verdict-explanation';

const { True, Mixed, False } = Rating;

/** `count` counted votes for one rating, all cast by members of the verified organisation `organization`. */
function votes(count: number, rating: Rating, organization: string | null = null): Ballot[] {
  return Array.from({ length: count }, () => ({ rating, counts: true, organization }));
}

const uncounted = (ballots: Ballot[]): Ballot[] => ballots.map((ballot) => ({ ...ballot, counts: false }));

const policy = (change: Partial<ConsensusPolicy> = {}): ConsensusPolicy => ({ ...DEFAULT_POLICY, ...change });

const explain = (ballots: Ballot[], rule: ConsensusPolicy = policy()): string => computeVerdict(ballots, rule).explanation;

describe('explainVerdict: one sentence per status', () => {
  test('UNVERIFIED', () => {
    expect(explain([])).toBe('No votes that count yet.');
  });

  test('IN_REVIEW counts the votes against the quorum', () => {
    expect(explain(votes(2, False))).toBe('2 of 3 votes: below quorum.');
  });

  test('IN_REVIEW says nothing of organisations, even when the policy asks for them', () => {
    expect(explain(votes(1, False, 'org-vlast'), policy({ quorum: 5, minOrganizations: 2 }))).toBe('1 of 5 votes: below quorum.');
  });

  test('CONSENSUS without an organisation rule names the threshold it reached', () => {
    expect(explain(votes(3, False))).toBe('3 of 3 votes, 100% FALSE, at least the 66% threshold.');
  });

  test('CONSENSUS with an organisation rule names the organisations it reached', () => {
    const ballots = [...votes(2, False, 'org-vlast'), ...votes(1, False, 'org-stopfake')];

    expect(explain(ballots, policy({ minOrganizations: 2 }))).toBe('3 of 3 votes, 100% FALSE, from 2 of 2 verified organisations.');
  });

  test('CONTESTED for want of organisations: three FALSE votes from one verified organisation under minOrganizations 2', () => {
    const rule: ConsensusPolicy = { quorum: 3, threshold: 0.66, minOrganizations: 2 };

    expect(explain(votes(3, False, 'org-vlast'), rule)).toBe('3 of 3 votes, 100% FALSE, but 1 of 2 verified organisations.');
  });

  test('CONTESTED for want of organisations when the voters have none', () => {
    expect(explain(votes(3, False, null), policy({ minOrganizations: 2 }))).toBe('3 of 3 votes, 100% FALSE, but 0 of 2 verified organisations.');
  });

  test('CONTESTED below the threshold', () => {
    expect(explain([...votes(2, True), ...votes(1, Mixed)], policy({ threshold: 0.7 }))).toBe('3 of 3 votes, 66.6% TRUE, below the 70% threshold.');
  });

  test('CONTESTED by a tie names the tied ratings in the Rating enum order', () => {
    expect(explain([...votes(2, False), ...votes(2, True)])).toBe('4 votes (quorum 3), but TRUE and FALSE tie for the lead.');
  });

  test('a tie names only the leaders, not ratings tied lower down', () => {
    expect(explain([...votes(2, False), ...votes(2, True), ...votes(1, Mixed)])).toBe('5 votes (quorum 3), but TRUE and FALSE tie for the lead.');
  });

  test('a three-way tie names all three', () => {
    expect(explain([...votes(1, False), ...votes(1, Mixed), ...votes(1, True)])).toBe('3 of 3 votes, but TRUE, MIXED and FALSE tie for the lead.');
  });

  test('PUBLISHED', () => {
    expect(computeVerdict(votes(3, False), policy(), true).explanation).toBe('Published by an editor.');
  });
});

describe('explainVerdict: the vote count', () => {
  test('exactly at quorum reads as "n of quorum"', () => {
    expect(explain(votes(4, True), policy({ quorum: 4 }))).toBe('4 of 4 votes, 100% TRUE, at least the 66% threshold.');
  });

  test('more votes than the quorum reads as "n votes (quorum q)"', () => {
    expect(explain([...votes(4, True), ...votes(1, False)])).toBe('5 votes (quorum 3), 80% TRUE, at least the 66% threshold.');
  });
});

describe('explainVerdict: percentages', () => {
  test('round down to a tenth: two of three is 66.6%, never 66.7%', () => {
    expect(explain([...votes(2, False), ...votes(1, True)], policy({ threshold: 0.67 }))).toBe(
      '3 of 3 votes, 66.6% FALSE, below the 67% threshold.',
    );
  });

  test('an agreement of 0.6599 under a 0.66 threshold reads 65.9%, not 66%', () => {
    const verdict = {
      status: VerdictStatus.Contested,
      rating: False,
      agreement: 0.6599,
      voteCount: 10_000,
      tally: [
        { rating: False, votes: 6599 },
        { rating: True, votes: 3401 },
      ],
      organizationCount: 0,
    };

    expect(explainVerdict(verdict, policy({ threshold: 0.66 }), 0)).toBe('10000 votes (quorum 3), 65.9% FALSE, below the 66% threshold.');
  });

  test('64 of 97 votes (0.6598) under a 0.66 threshold read as below it', () => {
    const sentence = explain([...votes(64, False), ...votes(33, True)], policy({ threshold: 0.66 }));

    expect(sentence).toBe('97 votes (quorum 3), 65.9% FALSE, below the 66% threshold.');
  });

  test('a share that is exactly a tenth of a percent reads as it', () => {
    expect(explain([...votes(7, True), ...votes(3, False)])).toBe('10 votes (quorum 3), 70% TRUE, at least the 66% threshold.');
  });

  test('a threshold with a tenth of a percent keeps it', () => {
    expect(explain([...votes(3, Mixed), ...votes(1, False)], policy({ quorum: 4, threshold: 0.755 }))).toBe(
      '4 of 4 votes, 75% MIXED, below the 75.5% threshold.',
    );
  });
});

describe('explainVerdict: votes that do not count', () => {
  test('one is named in the singular', () => {
    expect(explain([...votes(3, False), ...uncounted(votes(1, True))])).toBe('3 of 3 votes, 100% FALSE, at least the 66% threshold. 1 vote does not count.');
  });

  test('more are named in the plural', () => {
    expect(explain([...votes(2, False), ...uncounted(votes(2, True))])).toBe('2 of 3 votes: below quorum. 2 votes do not count.');
  });

  test('are named when no vote counts', () => {
    expect(explain(uncounted(votes(3, True)))).toBe('No votes that count yet. 3 votes do not count.');
  });

  test('are named on a published verdict', () => {
    expect(computeVerdict([...votes(3, False), ...uncounted(votes(1, True))], policy(), true).explanation).toBe(
      'Published by an editor. 1 vote does not count.',
    );
  });

  test('0 adds nothing', () => {
    const verdict = { status: VerdictStatus.InReview, rating: False, agreement: 1, voteCount: 1, tally: [{ rating: False, votes: 1 }], organizationCount: 0 };

    expect(explainVerdict(verdict, policy(), 0)).toBe('1 of 3 votes: below quorum.');
  });
});

describe('explainPublished', () => {
  test('says an editor published it and quotes the consensus it rests on', () => {
    const consensus = explain(votes(3, False, 'org-vlast').concat(votes(1, False, 'org-stopfake')), policy({ minOrganizations: 2 }));

    expect(explainPublished(consensus)).toBe(
      'Published by an editor; votes are closed until it is reopened. It rests on: 4 votes (quorum 3), 100% FALSE, from 2 of 2 verified organisations.',
    );
  });
});

describe('explainVerdict: sentences that stay true at the edges', () => {
  test('more verified organisations than the policy needs read as such, not as "3 of 2"', () => {
    const ballots = [...votes(1, False, 'org-a'), ...votes(1, False, 'org-b'), ...votes(1, False, 'org-c')];
    expect(explain(ballots, policy({ minOrganizations: 2 }))).toBe('3 of 3 votes, 100% FALSE, from 3 verified organisations (2 needed).');
  });

  test('a share below an odd threshold never reads as equal to it: the threshold is rounded up there', () => {
    const ballots = [...votes(2, False, 'org-a'), ...votes(1, True, 'org-b')];
    expect(explain(ballots, policy({ threshold: 0.6667 }))).toBe('3 of 3 votes, 66.6% FALSE, below the 66.7% threshold.');
  });
});
