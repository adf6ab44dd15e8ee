import { ApiClient, errorCode, ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** A claim's verdict as every reader sees it, with the parts the contract operations leave out. */
const ClaimVerdict = /* GraphQL */ `
  query ClaimVerdict($id: ID!) {
    claim(id: $id) {
      id
      duplicateOf { id }
      verdict {
        status
        rating
        agreement
        voteCount
        tally { rating votes }
        version
        updatedAt
        publishedAt
        publishedBy { id }
        summary
      }
      claimReview
    }
  }
`;

const ClaimHistory = /* GraphQL */ `
  query ClaimHistory($id: ID!, $first: Int, $after: String) {
    claim(id: $id) {
      history(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            cursor
            claim { id }
            previous { status rating version }
            verdict { status rating version }
          }
        }
      }
    }
  }
`;

/** Query.activity with the project's Activity.reason. */
const EventLog = /* GraphQL */ `
  query EventLog($eventId: ID!, $after: String) {
    activity(eventId: $eventId, after: $after, first: 100) {
      edges {
        cursor
        node { type reason claim { id } verdict { status rating version } }
      }
    }
  }
`;

interface LogEntry {
  cursor: string;
  type: string;
  reason: string | null;
  claim: { id: string } | null;
  verdict: { status: string; rating: string | null; version: number } | null;
}

async function claimOf(api: ApiClient, claimId: string) {
  return ok(await api.query(ClaimVerdict, { id: claimId })).claim;
}

async function verdictOf(api: ApiClient, claimId: string) {
  return (await claimOf(api, claimId)).verdict;
}

/** The event's log after the cursor (from the start without one); events here stay under 100 entries. */
async function logAfter(api: ApiClient, eventId: string, after: string | null = null): Promise<LogEntry[]> {
  const edges = ok(await api.query(EventLog, { eventId, after })).activity.edges;
  return edges.map((edge: { cursor: string; node: Omit<LogEntry, 'cursor'> }) => ({ cursor: edge.cursor, ...edge.node }));
}

async function lastCursor(api: ApiClient, eventId: string): Promise<string> {
  return (await logAfter(api, eventId)).at(-1)!.cursor;
}

/** The parts of a verdict that the rule decides. */
const outcome = ({ status, rating, agreement, voteCount, tally }: Record<string, unknown>) => ({
  status,
  rating,
  agreement,
  voteCount,
  tally,
});

async function reviewers(world: World, organizations: (string | null)[]): Promise<Member[]> {
  const members: Member[] = [];
  for (const organization of organizations) members.push(await world.reviewer(organization));
  return members;
}

/** A claim brought to CONSENSUS on FALSE by three reviewers of three newsrooms (default policy). */
async function claimInConsensus(world: World, editor: Member, eventId: string, statement: string) {
  const claimId = await world.submitClaim(editor, eventId, statement);
  const voters = await reviewers(world, ['Vlast.kz', 'Factcheck.kz', 'Kloop']);
  for (const voter of voters) await world.vote(voter, claimId, 'FALSE');
  return { claimId, voters };
}

describe('the verdict rule (default policy: quorum 3, threshold 0.66, one organisation)', () => {
  test('an event opened without a policy takes the defaults', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const opened = ok(await editor.api.op('OpenEvent', { input: { title: 'Airport seized in Almaty' } })).openEvent.event;
    expect(opened.policy).toEqual({ quorum: 3, threshold: 0.66, minOrganizations: 1 });
  });

  test('votes move a claim from UNVERIFIED through IN_REVIEW to CONSENSUS when two of three agree', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const submitted = ok(
      await editor.api.op('SubmitClaim', { input: { eventId, statement: 'Foreign troops landed at Almaty airport' } }),
    ).submitClaim.claim;
    expect(submitted.verdict).toMatchObject({ status: 'UNVERIFIED', rating: null, agreement: 0, voteCount: 0, tally: [], version: 0 });
    const [a, b, c] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz', 'Kloop']);

    const first = await world.vote(a, submitted.id, 'FALSE');
    expect(first.claim.verdict).toMatchObject({
      status: 'IN_REVIEW',
      rating: 'FALSE',
      agreement: 1,
      voteCount: 1,
      tally: [{ rating: 'FALSE', votes: 1 }],
      version: 1,
    });

    const second = await world.vote(b, submitted.id, 'MOSTLY_FALSE');
    expect(second.claim.verdict).toMatchObject({ status: 'IN_REVIEW', rating: null, agreement: 0.5, voteCount: 2, version: 2 });
    expect(second.claim.verdict.tally).toEqual(
      expect.arrayContaining([
        { rating: 'FALSE', votes: 1 },
        { rating: 'MOSTLY_FALSE', votes: 1 },
      ]),
    );

    const third = await world.vote(c, submitted.id, 'FALSE');
    expect(third.claim.verdict).toMatchObject({
      status: 'CONSENSUS',
      rating: 'FALSE',
      voteCount: 3,
      tally: [
        { rating: 'FALSE', votes: 2 },
        { rating: 'MOSTLY_FALSE', votes: 1 },
      ],
      version: 3,
    });
    expect(third.claim.verdict.agreement).toBeCloseTo(2 / 3);
    expect(outcome(await verdictOf(world.anonymous, submitted.id))).toEqual(outcome(third.claim.verdict));
  });

  test('a one-one-one split at quorum is CONTESTED with no rating', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'The president has left the country');
    const [a, b, c] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz', 'Kloop']);
    await world.vote(a, claimId, 'TRUE');
    await world.vote(b, claimId, 'FALSE');
    const { claim } = await world.vote(c, claimId, 'UNVERIFIABLE');
    expect(claim.verdict).toMatchObject({ status: 'CONTESTED', rating: null, voteCount: 3, version: 3 });
    expect(claim.verdict.agreement).toBeCloseTo(1 / 3);
    expect(claim.verdict.tally).toHaveLength(3);
  });

  test('a second vote by the same reviewer replaces the first', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'Mobile internet is back in Almaty');
    const [a, b] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz']);
    await world.vote(a, claimId, 'FALSE');
    const before = await world.vote(b, claimId, 'FALSE');
    expect(before.claim.verdict).toMatchObject({ rating: 'FALSE', voteCount: 2, version: 2 });

    const replaced = await world.vote(a, claimId, 'TRUE', { rationale: 'Our correspondent is online from Almaty' });
    expect(replaced.vote).toMatchObject({ rating: 'TRUE', rationale: 'Our correspondent is online from Almaty' });
    expect(replaced.claim.verdict).toMatchObject({ status: 'IN_REVIEW', rating: null, agreement: 0.5, voteCount: 2, version: 3 });
    expect(replaced.claim.verdict.tally).toEqual(
      expect.arrayContaining([
        { rating: 'TRUE', votes: 1 },
        { rating: 'FALSE', votes: 1 },
      ]),
    );

    const detail = ok(await a.api.op('ClaimDetail', { id: claimId })).claim;
    expect(detail.votes.totalCount).toBe(2);
    const mine = detail.votes.edges.filter((edge: { node: { reviewer: { id: string } } }) => edge.node.reviewer.id === a.id);
    expect(mine).toHaveLength(1);
    expect(mine[0].node).toMatchObject({ rating: 'TRUE', rationale: 'Our correspondent is online from Almaty' });
    expect(detail.viewerVote).toMatchObject({ id: mine[0].node.id, rating: 'TRUE' });
  });

  test("a vote cites the claim's evidence it names, oldest first; a second vote's list replaces the first's", async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'The airport in Almaty was seized');
    const [a] = await reviewers(world, ['Vlast.kz']);
    const addEvidence = async (title: string) =>
      ok(await a.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', title } })).addEvidence.evidence.id as string;
    const statement = await addEvidence('Airport statement');
    const footage = await addEvidence('Footage from the terminal');
    const flights = await addEvidence('Flight tracker');

    const first = await world.vote(a, claimId, 'FALSE', { evidenceIds: [flights, statement, flights] });
    expect(first.vote.evidence).toEqual([{ id: statement }, { id: flights }]);

    const second = await world.vote(a, claimId, 'FALSE', { evidenceIds: [footage] });
    expect(second.vote.id).toBe(first.vote.id);
    expect(second.vote.evidence).toEqual([{ id: footage }]);

    const third = await world.vote(a, claimId, 'MOSTLY_FALSE');
    expect(third.vote.evidence).toEqual([]);
  });

  test('retracting votes recomputes the verdict, down to UNVERIFIED', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const { claimId, voters } = await claimInConsensus(world, editor, eventId, 'Soldiers fired on protesters in Aktobe');
    const [a, b, c] = voters;

    const afterOne = ok(await c.api.op('RetractVote', { input: { claimId } })).retractVote.claim.verdict;
    expect(afterOne).toMatchObject({ status: 'IN_REVIEW', rating: 'FALSE', voteCount: 2, tally: [{ rating: 'FALSE', votes: 2 }], version: 4 });

    ok(await a.api.op('RetractVote', { input: { claimId } }));
    const afterAll = ok(await b.api.op('RetractVote', { input: { claimId } })).retractVote.claim.verdict;
    expect(afterAll).toMatchObject({ status: 'UNVERIFIED', rating: null, agreement: 0, voteCount: 0, tally: [], version: 6 });

    expect(errorCode(await b.api.op('RetractVote', { input: { claimId } }))).toBe('CONFLICT');
    expect((await verdictOf(editor.api, claimId)).version).toBe(6);
    const detail = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
    expect(detail.votes.totalCount).toBe(0);
  });

  test('the version goes up by exactly one per visible change, and not for a vote that changes nothing', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const claimId = await world.submitClaim(editor, eventId, 'Gas prices will double next week');
    const [a, b] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz']);

    const first = await world.vote(a, claimId, 'FALSE');
    expect(first.claim.verdict.version).toBe(1);
    const recast = await world.vote(a, claimId, 'FALSE', { rationale: 'Same rating, new rationale' });
    expect(recast.vote.rationale).toBe('Same rating, new rationale');
    expect(recast.claim.verdict).toEqual(first.claim.verdict);

    const steps: [Member, string | null, number][] = [
      [b, 'FALSE', 2],
      [b, 'TRUE', 3],
      [b, 'TRUE', 3],
      [b, null, 4],
      [a, 'FALSE', 4],
      [a, null, 5],
    ];
    for (const [member, rating, version] of steps) {
      const verdict = rating
        ? (await world.vote(member, claimId, rating)).claim.verdict
        : ok(await member.api.op('RetractVote', { input: { claimId } })).retractVote.claim.verdict;
      expect(verdict.version).toBe(version);
    }

    const history = ok(await editor.api.query(ClaimHistory, { id: claimId, first: 100 })).claim.history;
    expect(history.totalCount).toBe(5);
    const logged = (await logAfter(editor.api, eventId)).filter((entry) => entry.type === 'VERDICT_CHANGED');
    expect(logged.map((entry) => entry.verdict!.version)).toEqual([1, 2, 3, 4, 5]);
  });

  test('minOrganizations 2 needs two verified organisations among the agreed voters, one organisation counted once', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor, { quorum: 3, threshold: 0.66, minOrganizations: 2 });
    const claimId = await world.submitClaim(editor, eventId, 'Banks will stay closed for a month');
    const [vlast, vlastAgain, independent, kloop] = await reviewers(world, ['Vlast.kz', 'Vlast.kz', null, 'Kloop']);

    await world.vote(vlast, claimId, 'FALSE');
    await world.vote(vlastAgain, claimId, 'FALSE');
    const oneNewsroom = await world.vote(independent, claimId, 'FALSE');
    expect(oneNewsroom.claim.verdict).toMatchObject({ status: 'CONTESTED', rating: 'FALSE', agreement: 1, voteCount: 3 });
    expect(ok(await editor.api.op('ClaimTrust', { id: claimId })).claim.verdict).toMatchObject({
      organizationCount: 1,
      explanation: '3 of 3 votes, 100% FALSE, but 1 of 2 verified organisations.',
    });

    const dissent = await world.vote(kloop, claimId, 'TRUE');
    expect(dissent.claim.verdict).toMatchObject({ status: 'CONTESTED', rating: 'FALSE', agreement: 0.75, voteCount: 4 });

    const agreed = await world.vote(kloop, claimId, 'FALSE');
    expect(agreed.claim.verdict).toMatchObject({ status: 'CONSENSUS', rating: 'FALSE', agreement: 1, voteCount: 4 });
  });
});

describe('a policy change', () => {
  test('recomputes every unpublished verdict of the event and logs each change', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const [a, b] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz']);
    const twoVotes = await world.submitClaim(editor, eventId, 'Rail traffic to Almaty is suspended');
    await world.vote(a, twoVotes, 'TRUE');
    await world.vote(b, twoVotes, 'TRUE');
    const oneVote = await world.submitClaim(editor, eventId, 'Curfew starts at 5 pm');
    await world.vote(a, oneVote, 'MOSTLY_TRUE');
    const { claimId: published } = await claimInConsensus(world, editor, eventId, 'Police stations were set on fire');
    ok(await editor.api.op('PublishVerdict', { input: { claimId: published, summary: 'Photos are from 2011.' } }));
    const publishedBefore = await verdictOf(editor.api, published);
    const since = await lastCursor(editor.api, eventId);

    const updated = ok(await editor.api.op('UpdateEvent', { input: { eventId, policy: { quorum: 2 } } })).updateEvent.event;
    expect(updated.policy).toEqual({ quorum: 2, threshold: 0.66, minOrganizations: 1 });
    expect(await verdictOf(editor.api, twoVotes)).toMatchObject({ status: 'CONSENSUS', rating: 'TRUE', version: 3 });
    // Still IN_REVIEW, but what is missing changed ("1 of 2 votes"), and the explanation is part of the verdict.
    expect(await verdictOf(editor.api, oneVote)).toMatchObject({ status: 'IN_REVIEW', version: 2 });
    expect(ok(await editor.api.op('ClaimTrust', { id: oneVote })).claim.verdict.explanation).toBe('1 of 2 votes: below quorum.');
    expect(await verdictOf(editor.api, published)).toEqual(publishedBefore);
    const logged = await logAfter(editor.api, eventId, since);
    expect(logged.map(({ type, claim, verdict }) => ({ type, claim, verdict }))).toEqual(
      expect.arrayContaining([
        { type: 'EVENT_UPDATED', claim: null, verdict: null },
        { type: 'VERDICT_CHANGED', claim: { id: twoVotes }, verdict: { status: 'CONSENSUS', rating: 'TRUE', version: 3 } },
        { type: 'VERDICT_CHANGED', claim: { id: oneVote }, verdict: { status: 'IN_REVIEW', rating: 'MOSTLY_TRUE', version: 2 } },
      ]),
    );
    expect(logged).toHaveLength(3);

    const retitledSince = await lastCursor(editor.api, eventId);
    ok(await editor.api.op('UpdateEvent', { input: { eventId, title: 'Unrest in Almaty', policy: { quorum: 2 } } }));
    expect((await logAfter(editor.api, eventId, retitledSince)).map((entry) => entry.type)).toEqual(['EVENT_UPDATED']);

    ok(await editor.api.op('UpdateEvent', { input: { eventId, policy: { quorum: 3 } } }));
    expect(await verdictOf(editor.api, twoVotes)).toMatchObject({ status: 'IN_REVIEW', rating: 'TRUE', version: 4 });
  });
});

describe('publishing', () => {
  test('publishes a verdict in CONSENSUS with its rating, a summary and ClaimReview JSON-LD, and closes the votes', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const statement = 'Video shows tanks on Republic Square';
    const { claimId, voters } = await claimInConsensus(world, editor, eventId, statement);
    const consensus = await claimOf(editor.api, claimId);
    expect(consensus.verdict).toMatchObject({ status: 'CONSENSUS', rating: 'FALSE', publishedAt: null, summary: null });
    expect(consensus.claimReview).toBeNull();

    const summary = 'The video was filmed during a 2019 parade rehearsal.';
    const since = await lastCursor(editor.api, eventId);
    const result = ok(await editor.api.op('PublishVerdict', { input: { claimId, summary } })).publishVerdict.claim;
    expect(result.verdict).toMatchObject({
      ...outcome(consensus.verdict),
      status: 'PUBLISHED',
      rating: 'FALSE',
      summary,
      version: consensus.verdict.version + 1,
    });
    expect(Date.parse(result.verdict.publishedAt)).not.toBeNaN();
    const logged = (await logAfter(editor.api, eventId, since)).map(({ type, claim, verdict }) => ({ type, claim, verdict }));
    const published = { status: 'PUBLISHED', rating: 'FALSE', version: result.verdict.version };
    expect(logged).toEqual(
      expect.arrayContaining([
        { type: 'VERDICT_CHANGED', claim: { id: claimId }, verdict: published },
        { type: 'VERDICT_PUBLISHED', claim: { id: claimId }, verdict: published },
      ]),
    );
    expect(logged).toHaveLength(2);

    const signedIn = await claimOf(voters[0].api, claimId);
    expect(signedIn.verdict.publishedBy).toEqual({ id: editor.id });
    expect((await claimOf(world.anonymous, claimId)).verdict.publishedBy).toBeNull();

    const review = result.claimReview;
    expect(review).toMatchObject({
      '@context': expect.stringMatching(/^https?:\/\/schema\.org\/?$/),
      '@type': 'ClaimReview',
      claimReviewed: statement,
      author: expect.objectContaining({ name: 'Test Desk' }),
      reviewRating: expect.objectContaining({ ratingValue: expect.any(Number) }),
    });
    expect(Number.isInteger(review.reviewRating.ratingValue)).toBe(true);
    expect(review.reviewRating.ratingValue).toBeGreaterThanOrEqual(1);
    expect(review.reviewRating.ratingValue).toBeLessThanOrEqual(5);
    expect(review.url).toMatch(/^https:\/\/factcheck\.example\.org\/claims\/./);
    expect(signedIn.claimReview).toEqual(review);

    const outsider = await world.reviewer('Kloop');
    expect(errorCode(await outsider.api.op('CastVote', { input: { claimId, rating: 'TRUE' } }))).toBe('CONFLICT');
    expect(errorCode(await voters[0].api.op('CastVote', { input: { claimId, rating: 'TRUE' } }))).toBe('CONFLICT');
    expect(errorCode(await voters[0].api.op('RetractVote', { input: { claimId } }))).toBe('CONFLICT');
    expect(errorCode(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Again' } }))).toBe('CONFLICT');
    expect((await verdictOf(editor.api, claimId)).version).toBe(result.verdict.version);
  });

  test('only an editor publishes, and only a claim in CONSENSUS', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const [a, b, c] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz', 'Kloop']);
    const inReview = await world.submitClaim(editor, eventId, 'Schools are closed until February');
    await world.vote(a, inReview, 'TRUE');
    const contested = await world.submitClaim(editor, eventId, 'Water supply was poisoned');
    await world.vote(a, contested, 'TRUE');
    await world.vote(b, contested, 'FALSE');
    await world.vote(c, contested, 'MIXED');
    const { claimId: agreed } = await claimInConsensus(world, editor, eventId, 'The city mayor resigned');

    for (const claimId of [inReview, contested]) {
      expect(errorCode(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Too early' } }))).toBe('CONFLICT');
    }
    expect(errorCode(await a.api.op('PublishVerdict', { input: { claimId: agreed, summary: 'Not mine to publish' } }))).toBe(
      'FORBIDDEN',
    );
    expect((await verdictOf(editor.api, agreed)).status).toBe('CONSENSUS');
  });

  test("reopening a published claim returns it to the rule's status and logs the reason", async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const { claimId } = await claimInConsensus(world, editor, eventId, 'Half of the police force has resigned');
    ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'No resignations were reported.' } }));
    expect(errorCode(await editor.api.op('ReopenClaim', { input: { claimId, reason: '   ' } }))).toBe('BAD_USER_INPUT');
    // The published verdict keeps its status through a policy change; reopening applies the new policy.
    ok(await editor.api.op('UpdateEvent', { input: { eventId, policy: { quorum: 4 } } }));
    const published = await verdictOf(editor.api, claimId);
    expect(published.status).toBe('PUBLISHED');
    const since = await lastCursor(editor.api, eventId);

    const reason = 'Regional police confirmed 40 resignations in Almaty.';
    const reopened = ok(await editor.api.op('ReopenClaim', { input: { claimId, reason } })).reopenClaim.claim.verdict;
    expect(reopened).toMatchObject({
      status: 'IN_REVIEW',
      rating: 'FALSE',
      voteCount: 3,
      publishedAt: null,
      summary: null,
      version: published.version + 1,
    });
    expect((await claimOf(editor.api, claimId)).claimReview).toBeNull();

    const logged = await logAfter(editor.api, eventId, since);
    const reopening = logged.filter((entry) => entry.type === 'CLAIM_REOPENED');
    expect(reopening).toEqual([
      expect.objectContaining({
        reason,
        claim: { id: claimId },
        verdict: { status: 'IN_REVIEW', rating: 'FALSE', version: published.version + 1 },
      }),
    ]);
    expect(logged.filter((entry) => entry.type === 'VERDICT_CHANGED')).toEqual([expect.objectContaining({ reason: null })]);

    const fourth = await world.reviewer('Azattyq');
    const voted = await world.vote(fourth, claimId, 'FALSE');
    expect(voted.claim.verdict).toMatchObject({ status: 'CONSENSUS', rating: 'FALSE', voteCount: 4 });
    expect(errorCode(await editor.api.op('ReopenClaim', { input: { claimId, reason } }))).toBe('CONFLICT');
  });
});

describe('duplicates', () => {
  test("a duplicate's verdict is its original's and follows its later changes", async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const [a, b, c] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz', 'Kloop']);
    const original = await world.submitClaim(editor, eventId, 'The airport is controlled by foreign troops');
    await world.vote(a, original, 'FALSE');
    await world.vote(b, original, 'FALSE');
    const duplicate = await world.submitClaim(editor, eventId, 'Foreign soldiers hold Almaty airport');
    await world.vote(c, duplicate, 'TRUE');

    const marked = ok(
      await editor.api.op('MarkDuplicate', { input: { claimId: duplicate, duplicateOfId: original } }),
    ).markDuplicate.claim;
    expect(marked).toMatchObject({ id: duplicate, duplicateOf: { id: original }, verdict: { status: 'IN_REVIEW', rating: 'FALSE' } });
    const sameVerdict = async () => {
      const [mine, theirs] = [await verdictOf(editor.api, duplicate), await verdictOf(editor.api, original)];
      expect(outcome(mine)).toEqual(outcome(theirs));
      expect({ publishedAt: mine.publishedAt, summary: mine.summary }).toEqual({ publishedAt: theirs.publishedAt, summary: theirs.summary });
      return mine;
    };
    expect(await sameVerdict()).toMatchObject({ status: 'IN_REVIEW', voteCount: 2 });

    expect(errorCode(await a.api.op('CastVote', { input: { claimId: duplicate, rating: 'FALSE' } }))).toBe('CONFLICT');
    expect(errorCode(await editor.api.op('PublishVerdict', { input: { claimId: duplicate, summary: 'No' } }))).toBe('CONFLICT');

    await world.vote(c, original, 'FALSE');
    expect(await sameVerdict()).toMatchObject({ status: 'CONSENSUS', rating: 'FALSE', voteCount: 3 });

    ok(await editor.api.op('PublishVerdict', { input: { claimId: original, summary: 'Airport staff deny it.' } }));
    expect(await sameVerdict()).toMatchObject({ status: 'PUBLISHED', summary: 'Airport staff deny it.' });

    ok(await editor.api.op('ReopenClaim', { input: { claimId: original, reason: 'New footage to review' } }));
    expect(await sameVerdict()).toMatchObject({ status: 'CONSENSUS', publishedAt: null });

    const history = ok(await editor.api.query(ClaimHistory, { id: duplicate, first: 100 })).claim.history;
    expect(history.edges.at(-1).node.verdict.status).toBe('CONSENSUS');
    const log = await logAfter(editor.api, eventId);
    expect(log.filter((entry) => entry.type === 'CLAIM_MARKED_DUPLICATE').map((entry) => entry.claim)).toEqual([{ id: duplicate }]);
  });

  test('a claim cannot duplicate itself, a claim of another event, or a duplicate', async () => {
    const world = await World.create(server.url);
    const editor = await world.editor();
    const eventId = await world.openEvent(editor);
    const otherEventId = await world.openEvent(editor, {}, 'Fuel protests in Zhanaozen');
    const original = await world.submitClaim(editor, eventId, 'Gas costs 120 tenge a litre');
    const duplicate = await world.submitClaim(editor, eventId, 'A litre of gas costs 120 tenge');
    const third = await world.submitClaim(editor, eventId, 'Liquefied gas price is 120 tenge');
    const elsewhere = await world.submitClaim(editor, otherEventId, 'Gas costs 120 tenge a litre');
    const mark = (claimId: string, duplicateOfId: string, member = editor) =>
      member.api.op('MarkDuplicate', { input: { claimId, duplicateOfId } });

    expect(errorCode(await mark(original, original))).toBe('BAD_USER_INPUT');
    expect(errorCode(await mark(elsewhere, original))).toBe('BAD_USER_INPUT');
    const reviewer = await world.reviewer();
    expect(errorCode(await mark(duplicate, original, reviewer))).toBe('FORBIDDEN');
    ok(await mark(duplicate, original));
    expect(errorCode(await mark(third, duplicate))).toBe('CONFLICT');

    for (const claimId of [original, third, elsewhere]) expect((await claimOf(editor.api, claimId)).duplicateOf).toBeNull();
    expect((await claimOf(editor.api, duplicate)).duplicateOf).toEqual({ id: original });
  });
});

test('Claim.history lists the verdict changes oldest first, each version following the one before', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor);
  const claimId = await world.submitClaim(editor, eventId, 'Protesters took over the akimat building');
  const [a, b, c] = await reviewers(world, ['Vlast.kz', 'Factcheck.kz', 'Kloop']);
  await world.vote(a, claimId, 'TRUE');
  await world.vote(b, claimId, 'FALSE');
  await world.vote(a, claimId, 'TRUE'); // no change: no entry
  await world.vote(c, claimId, 'FALSE');
  await world.vote(a, claimId, 'FALSE');
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'The akimat was not occupied.' } }));
  ok(await editor.api.op('ReopenClaim', { input: { claimId, reason: 'Conflicting reports' } }));

  const history = ok(await editor.api.query(ClaimHistory, { id: claimId, first: 100 })).claim.history;
  expect(history.totalCount).toBe(6);
  expect(history.pageInfo.hasNextPage).toBe(false);
  const changes = history.edges.map((edge: { cursor: string; node: Record<string, any> }) => {
    expect(edge.node.cursor).toBe(edge.cursor);
    expect(edge.node.claim).toEqual({ id: claimId });
    return edge.node;
  });
  expect(changes.map((change: { verdict: unknown }) => change.verdict)).toEqual([
    { status: 'IN_REVIEW', rating: 'TRUE', version: 1 },
    { status: 'IN_REVIEW', rating: null, version: 2 },
    { status: 'CONSENSUS', rating: 'FALSE', version: 3 },
    { status: 'CONSENSUS', rating: 'FALSE', version: 4 },
    { status: 'PUBLISHED', rating: 'FALSE', version: 5 },
    { status: 'CONSENSUS', rating: 'FALSE', version: 6 },
  ]);
  expect(changes[0].previous).toEqual({ status: 'UNVERIFIED', rating: null, version: 0 });
  for (let i = 1; i < changes.length; i++) expect(changes[i].previous).toEqual(changes[i - 1].verdict);

  const contractView = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim.history;
  expect(contractView.edges.map((edge: { node: { cursor: string } }) => edge.node.cursor)).toEqual(
    history.edges.map((edge: { cursor: string }) => edge.cursor),
  );
  const logged = (await logAfter(editor.api, eventId)).filter((entry) => entry.type === 'VERDICT_CHANGED');
  expect(logged.map((entry) => entry.cursor)).toEqual(history.edges.map((edge: { cursor: string }) => edge.cursor));

  const paged: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = ok(await editor.api.query(ClaimHistory, { id: claimId, first: 4, after })).claim.history;
    paged.push(...page.edges.map((edge: { cursor: string }) => edge.cursor));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  expect(paged).toEqual(history.edges.map((edge: { cursor: string }) => edge.cursor));
});
