import { randomBytes } from 'node:crypto';
import { ApiClient, ok, type GraphQLResponse } from '../support/client';
import { collect, liveClient } from '../support/live-client';
import { expectSafeErrors } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: 'production' });
});
afterAll(() => server?.stop());

const roles = ['anonymous', 'OBSERVER', 'REVIEWER', 'EDITOR', 'ADMIN'] as const;
type Who = (typeof roles)[number];
type Cell = 'allowed' | 'FORBIDDEN' | 'UNAUTHENTICATED';

const A: Cell = 'allowed';
const F: Cell = 'FORBIDDEN';
const U: Cell = 'UNAUTHENTICATED';
/** "ADMIN only." */
const adminOnly: Cell[] = [U, F, F, F, A];
/** "EDITOR or ADMIN." */
const editorOrAdmin: Cell[] = [U, F, F, A, A];
/** "REVIEWER or above." */
const reviewerOrAbove: Cell[] = [U, F, A, A, A];
/** No role named: anyone, signed in or not. */
const anyone: Cell[] = [A, A, A, A, A];

/** The mutations of the contract, each with who may call it as its description says, in the order anonymous, OBSERVER, REVIEWER, EDITOR, ADMIN. */
const mutationTable: [operation: string, cells: Cell[], source: string][] = [
  ['SignUp', anyone, 'signUp: "Creates an account."'],
  ['LogIn', anyone, 'logIn: no role named'],
  ['SetReviewerRole', adminOnly, 'setReviewerRole: "ADMIN only."'],
  ['OpenEvent', editorOrAdmin, 'openEvent: "EDITOR or ADMIN."'],
  ['UpdateEvent', editorOrAdmin, 'updateEvent: "EDITOR or ADMIN."'],
  ['CloseEvent', editorOrAdmin, 'closeEvent: "EDITOR or ADMIN."'],
  ['SubmitClaim', reviewerOrAbove, 'submitClaim: "REVIEWER or above."'],
  ['AddEvidence', reviewerOrAbove, 'addEvidence: "REVIEWER or above."'],
  ['CastVote', reviewerOrAbove, 'castVote: "REVIEWER or above."'],
  ['RetractVote', reviewerOrAbove, 'retractVote: Role.REVIEWER "votes" (the project schema: "REVIEWER or above")'],
  ['PublishVerdict', editorOrAdmin, 'publishVerdict: "EDITOR or ADMIN."'],
  ['ReopenClaim', editorOrAdmin, 'reopenClaim: "EDITOR or ADMIN."'],
  ['MarkDuplicate', editorOrAdmin, 'markDuplicate: "EDITOR or ADMIN."'],
];

let world: World;
let editor: Member;
const members = new Map<Who, Member | undefined>();
const apiOf = (who: Who): ApiClient => members.get(who)?.api ?? world.anonymous;

beforeAll(async () => {
  world = await World.create(server.url);
  editor = await world.editor();
  members.set('anonymous', undefined);
  members.set('OBSERVER', await world.reviewer('Readers', 'OBSERVER'));
  members.set('REVIEWER', await world.reviewer('Vlast.kz'));
  members.set('EDITOR', await world.editor('Azattyq'));
  members.set('ADMIN', world.admin);
});

/** A claim in CONSENSUS (quorum 1), in an event of its own. */
async function claimInConsensus() {
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, `Consensus claim ${randomBytes(3).toString('hex')}`);
  await world.vote(editor, claimId, 'FALSE');
  return { eventId, claimId };
}

/**
 * Everything a call needs to succeed when the role allows it, made fresh for each cell (by the
 * editor, or by the caller where the call acts on the caller's own things), so that a refusal
 * can only come from the role.
 */
async function variablesFor(operation: string, who: Who): Promise<Record<string, unknown>> {
  const email = () => `m-${randomBytes(6).toString('hex')}@example.org`;
  switch (operation) {
    case 'SignUp':
      return { input: { email: email(), password: 'correct horse battery', displayName: 'Matrix' } };
    case 'LogIn': {
      const input = { email: email(), password: 'correct horse battery', displayName: 'Matrix' };
      ok(await world.anonymous.op('SignUp', { input }));
      return { input: { email: input.email, password: input.password } };
    }
    case 'SetReviewerRole':
      return { input: { reviewerId: (await world.reviewer('Matrix')).id, role: 'OBSERVER' } };
    case 'OpenEvent':
      return { input: { title: 'Matrix event', policy: { quorum: 2 } } };
    case 'UpdateEvent':
      return { input: { eventId: await world.openEvent(editor), title: 'Renamed', policy: { quorum: 4 } } };
    case 'CloseEvent':
      return { input: { eventId: await world.openEvent(editor) } };
    case 'SubmitClaim':
      return { input: { eventId: await world.openEvent(editor), statement: 'Gunfire heard near the airport' } };
    case 'AddEvidence': {
      const eventId = await world.openEvent(editor);
      return { input: { claimId: await world.submitClaim(editor, eventId, 'A curfew was declared'), stance: 'SUPPORTS', url: 'https://example.org/curfew' } };
    }
    case 'CastVote': {
      const eventId = await world.openEvent(editor);
      return { input: { claimId: await world.submitClaim(editor, eventId, 'Banks are closed'), rating: 'MIXED' } };
    }
    case 'RetractVote': {
      const eventId = await world.openEvent(editor);
      const claimId = await world.submitClaim(editor, eventId, 'Fuel prices doubled overnight');
      await world.vote(editor, claimId, 'TRUE'); // someone else's vote, for those who cannot vote
      const own = members.get(who);
      if (own && reviewerOrAbove[roles.indexOf(who)] === 'allowed') await world.vote(own, claimId, 'FALSE');
      return { input: { claimId } };
    }
    case 'PublishVerdict':
      return { input: { claimId: (await claimInConsensus()).claimId, summary: 'Checked against the photos' } };
    case 'ReopenClaim': {
      const { claimId } = await claimInConsensus();
      ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Published' } }));
      return { input: { claimId, reason: 'New footage' } };
    }
    case 'MarkDuplicate': {
      const { eventId, claimId } = await claimInConsensus();
      return { input: { claimId: await world.submitClaim(editor, eventId, 'The same story, retold'), duplicateOfId: claimId } };
    }
    default:
      throw new Error(`No variables for ${operation}`);
  }
}

function outcomeOf(response: GraphQLResponse): Cell | string {
  expectSafeErrors(response);
  if (!response.errors?.length && response.data) return 'allowed';
  return String(response.errors?.[0]?.extensions?.code);
}

function printMatrix(title: string, rows: [string, (Cell | string)[]][]): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  const header = `${''.padEnd(width)} | ${roles.map((role) => role.padEnd(15)).join(' | ')}`;
  const lines = rows.map(([name, cells]) => `${name.padEnd(width)} | ${cells.map((cell) => cell.padEnd(15)).join(' | ')}`);
  console.log(`${title}\n${header}\n${'-'.repeat(header.length)}\n${lines.join('\n')}`);
}

test('role x mutation matrix: every mutation of the contract is allowed, FORBIDDEN or UNAUTHENTICATED exactly as its description says', async () => {
  const seen: [string, (Cell | string)[]][] = [];
  for (const [operation] of mutationTable) {
    const row: (Cell | string)[] = [];
    for (const who of roles) row.push(outcomeOf(await apiOf(who).op(operation, await variablesFor(operation, who))));
    seen.push([operation, row]);
  }
  printMatrix('mutations (seen):', seen);
  expect(Object.fromEntries(seen)).toEqual(Object.fromEntries(mutationTable.map(([operation, cells]) => [operation, cells])));
});

type Visibility = 'shown' | 'null';
const S: Visibility = 'shown';
const N: Visibility = 'null';
/** "Null for anonymous clients": every signed-in reader sees it. */
const signedIn: Visibility[] = [N, S, S, S, S];

/** A claim that went the whole way, so that every identity-bearing field has someone to name. */
async function publishedStory() {
  const author = await world.reviewer('Factcheck.kz');
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(author, eventId, `Tanks in the square ${randomBytes(3).toString('hex')}`);
  ok(await author.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/photo' } }));
  await world.vote(author, claimId, 'FALSE');
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Armoured cars, not tanks' } }));
  return { author, eventId, claimId };
}

const identityQuery = /* GraphQL */ `
  query Identities($eventId: ID!, $claimId: ID!, $authorId: ID!) {
    viewer { id email }
    event(id: $eventId) { createdBy { id } }
    claim(id: $claimId) {
      submittedBy { id email }
      verdict { publishedBy { id } }
      evidence { edges { node { submittedBy { id } } } }
      votes { edges { node { reviewer { id email } } } }
      viewerVote { id rating }
    }
    activity(eventId: $eventId) { edges { node { type actor { id } } } }
    node(id: $authorId) { id ... on Reviewer { email } }
  }
`;

test('role x identity matrix: reviewer identities, emails and viewerVote are shown exactly to whom the contract says', async () => {
  const { author, eventId, claimId } = await publishedStory();
  // Each signed-in reader votes too, on a claim of its own event, to see that viewerVote is its own and nobody else's.
  const ownVoteEvent = await world.openEvent(editor, { quorum: 5 });
  const ownVoteClaim = await world.submitClaim(editor, ownVoteEvent, 'Shops were looted in Almaty');
  await world.vote(author, ownVoteClaim, 'TRUE');
  const ownRatings = new Map<Who, string>([['REVIEWER', 'FALSE'], ['EDITOR', 'MIXED'], ['ADMIN', 'MISLEADING']]);
  for (const [who, rating] of ownRatings) await world.vote(members.get(who)!, ownVoteClaim, rating);

  const rows = new Map<string, { expected: (Visibility | string)[]; seen: (Visibility | string)[]; source: string }>();
  const record = (field: string, source: string, expected: (Visibility | string)[], who: Who, value: Visibility | string) => {
    const row = rows.get(field) ?? { expected, seen: [], source };
    row.seen[roles.indexOf(who)] = value;
    rows.set(field, row);
  };
  const shown = (value: unknown, id: string) => {
    if (value === null || value === undefined) return N;
    if (value === id) return S;
    return `wrong: ${String(value)}`;
  };

  for (const who of roles) {
    const api = apiOf(who);
    const me = members.get(who);
    const data = ok(await api.query(identityQuery, { eventId, claimId, authorId: author.id }));
    record('Claim.submittedBy', '"Null for anonymous clients, to protect reviewers."', signedIn, who, shown(data.claim.submittedBy?.id, author.id));
    record('Evidence.submittedBy', '"Null for anonymous clients."', signedIn, who, shown(data.claim.evidence.edges[0].node.submittedBy?.id, author.id));
    record('Vote.reviewer', '"Null for anonymous clients."', signedIn, who, shown(data.claim.votes.edges[0].node.reviewer?.id, author.id));
    record('Activity.actor (query)', '"Null for anonymous clients."', signedIn, who,
      shown(data.activity.edges.find((edge: any) => edge.node.type === 'CLAIM_SUBMITTED').node.actor?.id, author.id));
    record('Event.createdBy', 'README: every identity null for anonymous', signedIn, who, shown(data.event.createdBy?.id, editor.id));
    record('Verdict.publishedBy', 'README: every identity null for anonymous', signedIn, who, shown(data.claim.verdict.publishedBy?.id, editor.id));
    record('node(id) of a reviewer', 'schema: "Reviewers are null for anonymous clients."', signedIn, who, shown(data.node?.id, author.id));
    // Reviewer.email: "Shown to the reviewer and to admins only; null for everyone else."
    const authorEmail = data.claim.submittedBy?.email;
    record("Reviewer.email (another's)", '"Shown to the reviewer and to admins only"', [N, N, N, N, S], who,
      authorEmail === undefined || authorEmail === null ? N : /@example\.org$/.test(authorEmail) ? S : `wrong: ${authorEmail}`);
    record('Reviewer.email (own, viewer)', '"Shown to the reviewer"', signedIn, who, data.viewer?.email ? S : N);
    record('Vote.reviewer.email', '"Shown to the reviewer and to admins only"', [N, N, N, N, S], who, data.claim.votes.edges[0].node.reviewer?.email ? S : N);

    // viewerVote: "The signed-in reviewer's own vote on this claim": the own rating, or null without one.
    const viewerVote = ok(await api.op('ClaimDetail', { id: ownVoteClaim })).claim.viewerVote;
    record('Claim.viewerVote', '"The signed-in reviewer\'s own vote"', [N, N, 'own', 'own', 'own'], who,
      viewerVote === null ? N : viewerVote.rating === ownRatings.get(who) ? 'own' : `wrong: ${viewerVote.rating}`);

    // Over graphql-ws: the actor of a replayed activity entry.
    const live = liveClient(server.url, me?.token);
    const first = ok(await world.anonymous.op('ActivitySince', { eventId, first: 1 })).activity.edges[0].cursor;
    const replay = collect(live.client, 'OnActivity', { eventId, after: first });
    const [message] = await replay.take(1);
    expect(message.errors).toBeUndefined();
    expect(message.data.activity.type).toBe('CLAIM_SUBMITTED');
    record('Activity.actor (subscription)', '"Null for anonymous clients."', signedIn, who, shown(message.data.activity.actor?.id, author.id));
    await live.dispose();
  }

  printMatrix('identities (seen):', [...rows].map(([field, row]) => [field, row.seen]));
  expect(Object.fromEntries([...rows].map(([field, row]) => [field, row.seen]))).toEqual(
    Object.fromEntries([...rows].map(([field, row]) => [field, row.expected])),
  );
});
