import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ok } from '../support/client';
import { checkClaimReviewPage, checkPublicPage, fetchPage, pathOf } from '../support/public-page';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';
import { Browser, holdActivitySubscriptions, inChromium, openBrowser, signIn, waitForStatus } from './desk-browser';

// The reviewers' desk in a real Chromium against a real server: two reviewers, each in a browser
// of their own, and an editor.
let server: TestServer;
let origin: string;
let world: World;
let editor: Member & { email: string };
let reviewerA: Member & { email: string };
let reviewerB: Member & { email: string };
const browsers: Browser[] = [];
// The README's screenshots are refreshed on demand (`npm run screenshots`); a plain run takes
// them all the same, into a directory of its own, and leaves the checkout as it was.
const docs = process.env.UPDATE_SCREENSHOTS ? join(__dirname, '../../docs') : mkdtempSync(join(tmpdir(), 'desk-screenshots-'));

beforeAll(async () => {
  server = await startTestServer();
  origin = new URL(server.url).origin;
  world = await World.create(server.url);
  const organization = await world.organization('Vlast.kz');
  reviewerA = await world.member(organization);
  reviewerB = await world.member(await world.organization('Factcheck.kz'));
  editor = await world.member(organization, { role: 'EDITOR' });
  // A server and four accounts: minutes, not seconds, when seven suites share two cores.
}, 300_000);

afterAll(async () => {
  await Promise.all(browsers.map((browser) => browser.close()));
  await server?.stop();
});

async function browser(): Promise<Browser> {
  const opened = await openBrowser();
  browsers.push(opened);
  return opened;
}

async function eventWithClaims(...statements: string[]) {
  const eventId = await world.openEvent(editor, { quorum: 1, threshold: 0.6, minOrganizations: 1 }, `Blackout in Almaty ${Math.random().toString(36).slice(2, 7)}`);
  const claimIds: string[] = [];
  for (const statement of statements) claimIds.push(await world.submitClaim(reviewerA, eventId, statement));
  return { eventId, claimIds };
}

inChromium("signs in through the form, keeps the session over a reload, and shows another reviewer's vote on the board without a reload", async () => {
  const statement = 'Banks in Almaty will stay closed until February';
  const { eventId, claimIds } = await eventWithClaims(statement, 'The airport was seized by protesters');
  const a = await browser();
  const b = await browser();

  await signIn(a.page, origin, reviewerA.email);
  await a.page.reload();
  await a.page.getByRole('heading', { name: 'Events' }).waitFor();
  const title = ok(await reviewerA.api.op('EventBoard', { id: eventId })).event.title;
  await a.page.getByRole('link', { name: title }).click();
  const card = a.page.getByRole('article', { name: statement });
  await card.getByText('UNVERIFIED').waitFor();
  await a.page.evaluate('window.notReloaded = true');

  await signIn(b.page, origin, reviewerB.email);
  await b.page.goto(`${origin}/desk/claims/${claimIds[0]}`);
  await b.page.getByRole('button', { name: 'Mostly false', exact: true }).click();
  await b.page.getByRole('button', { name: 'Mostly false', exact: true, pressed: true }).waitFor();

  await card.getByText('CONSENSUS').waitFor();
  await card.getByText('Mostly false', { exact: true }).waitFor();
  expect(await a.page.evaluate('window.notReloaded')).toBe(true);
  await a.page.screenshot({ path: join(docs, 'desk-board.png'), fullPage: true });

  await b.page.getByRole('button', { name: /^Sign out/ }).click();
  await b.page.getByRole('button', { name: 'Sign in' }).waitFor();
  await b.page.reload();
  await b.page.getByRole('button', { name: 'Sign in' }).waitFor();
});

inChromium('on a first visit, shows on the board a change committed after the board was read and before its subscription started', async () => {
  const statement = 'The national bank froze all deposits';
  const { eventId, claimIds } = await eventWithClaims(statement);
  const a = await browser();
  const held = await holdActivitySubscriptions(a.page, eventId);
  await signIn(a.page, origin, reviewerA.email);
  await a.page.goto(`${origin}/desk/events/${eventId}`);
  const card = a.page.getByRole('article', { name: statement });
  await card.getByText('UNVERIFIED').waitFor();
  const { after } = await held.subscribing;

  await world.vote(reviewerB, claimIds[0], 'FALSE');
  held.release();
  await card.getByText('CONSENSUS').waitFor();
  await card.getByText('False', { exact: true }).waitFor();
  expect(after).toEqual(expect.any(String));
});

inChromium('on a first visit, shows on the claim page a vote committed after the claim was read and before its subscription started', async () => {
  const statement = 'Fuel will be rationed from Monday';
  const { eventId, claimIds } = await eventWithClaims(statement);
  const a = await browser();
  const held = await holdActivitySubscriptions(a.page, eventId);
  await signIn(a.page, origin, reviewerA.email);
  await a.page.goto(`${origin}/desk/claims/${claimIds[0]}`);
  await a.page.getByRole('heading', { name: statement }).waitFor();
  await a.page.locator('.verdict').getByText('UNVERIFIED').waitFor();
  await held.subscribing;

  await world.vote(reviewerB, claimIds[0], 'MIXED');
  held.release();
  await a.page.locator('.verdict').getByText('CONSENSUS').waitFor();
  await a.page.getByRole('listitem').filter({ hasText: /^Mixed — / }).waitFor();
});

inChromium('keeps a vote cast offline in the outbox over a reload, and sends it exactly once when the link returns', async () => {
  const statement = 'Mobile internet is cut in the whole country';
  const { eventId, claimIds } = await eventWithClaims(statement);
  const [claimId] = claimIds;
  const a = await browser();
  await signIn(a.page, origin, reviewerA.email);
  await a.page.goto(`${origin}/desk/claims/${claimId}`);
  await a.page.getByRole('heading', { name: statement }).waitFor();
  await waitForStatus(a.page, /^Online$/);
  await a.page.evaluate('navigator.serviceWorker.ready.then(() => true)');

  await a.context.setOffline(true);
  await waitForStatus(a.page, /Offline/);
  await a.page.getByRole('button', { name: 'Mostly true', exact: true }).click();
  await waitForStatus(a.page, /1 waiting/);

  await a.page.reload();
  await a.page.getByRole('heading', { name: statement }).waitFor();
  await waitForStatus(a.page, /Offline.*1 waiting/);
  expect(await votesOn(claimId)).toEqual([]);

  await a.context.setOffline(false);
  await waitForStatus(a.page, /^Online$/);
  await a.page.getByRole('button', { name: 'Mostly true', exact: true, pressed: true }).waitFor();
  expect(await votesOn(claimId)).toEqual([{ rating: 'MOSTLY_TRUE', reviewer: reviewerA.id }]);
  const casts = ok(await world.admin.api.op('ActivitySince', { eventId, first: 100 })).activity.edges.filter(
    (edge: { node: { type: string; claim: { id: string } | null } }) => edge.node.type === 'VOTE_CAST' && edge.node.claim?.id === claimId,
  );
  expect(casts).toHaveLength(1);
});

inChromium('lets an editor publish a verdict in CONSENSUS with a summary', async () => {
  const statement = 'The president has left the country';
  const { claimIds } = await eventWithClaims(statement);
  const [claimId] = claimIds;
  await world.vote(reviewerB, claimId, 'FALSE');
  const e = await browser();
  await signIn(e.page, origin, editor.email);
  await e.page.goto(`${origin}/desk/claims/${claimId}`);
  await e.page.getByText('CONSENSUS').first().waitFor();
  await e.page.getByLabel('Summary').fill('Official footage shows the president in Astana the same evening.');
  await e.page.getByRole('button', { name: 'Publish' }).click();
  await e.page.locator('.verdict').getByText('PUBLISHED').waitFor();
  await e.page.screenshot({ path: join(docs, 'desk-claim.png'), fullPage: true });

  const claim = ok(await world.anonymous.op('ClaimDetail', { id: claimId })).claim;
  expect(claim.verdict).toMatchObject({ status: 'PUBLISHED', rating: 'FALSE', summary: 'Official footage shows the president in Astana the same evening.' });
  // The public page its ClaimReview url names: valid markup, no reviewer named, and what a reader sees.
  const publicPath = pathOf(claim.claimReview.url);
  const publicPage = await fetchPage(origin, publicPath);
  checkPublicPage(publicPage, { forbidden: [editor.email, reviewerB.email] });
  checkClaimReviewPage(publicPage, claim.claimReview, claim.claimReview.inLanguage ?? null);
  await e.page.goto(`${origin}${publicPath}`);
  await e.page.getByRole('heading', { level: 1, name: statement }).waitFor();
  await e.page.screenshot({ path: join(docs, 'public-claim.png'), fullPage: true });
});

async function votesOn(claimId: string) {
  const claim = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
  return claim.votes.edges.map((edge: { node: { rating: string; reviewer: { id: string } } }) => ({ rating: edge.node.rating, reviewer: edge.node.reviewer.id }));
}

inChromium('shows on the item a vote that a publication made meanwhile refused, and lets the reviewer dismiss it', async () => {
  const statement = 'Soldiers were seen at the television centre';
  const { claimIds } = await eventWithClaims(statement);
  const [claimId] = claimIds;
  await world.vote(reviewerB, claimId, 'TRUE');
  const a = await browser();
  await signIn(a.page, origin, reviewerA.email);
  await a.page.getByRole('button', { name: 'RU' }).click();
  await waitForStatus(a.page, /^В сети$/);
  await a.page.getByRole('button', { name: 'EN' }).click();
  await a.page.goto(`${origin}/desk/claims/${claimId}`);
  await a.page.getByRole('heading', { name: statement }).waitFor();

  await a.context.setOffline(true);
  await a.page.getByRole('button', { name: 'Misleading', exact: true }).click();
  await waitForStatus(a.page, /Offline.*1 waiting/);
  ok(await editor.api.op('PublishVerdict', { input: { claimId, summary: 'Footage from the day shows soldiers at the entrance.' } }));

  await a.context.setOffline(false);
  const refused = a.page.getByRole('region', { name: 'Waiting to be sent' }).getByRole('listitem').filter({ hasText: 'Vote Misleading' });
  await refused.getByText(/not done:/).waitFor();
  await waitForStatus(a.page, /^Online$/);
  await a.page.locator('.verdict').getByText('PUBLISHED').waitFor();
  expect(await votesOn(claimId)).toEqual([{ rating: 'TRUE', reviewer: reviewerB.id }]);
  await refused.getByRole('button', { name: 'Dismiss' }).click();
  await refused.waitFor({ state: 'detached' });
});

inChromium('submits a claim showing similar ones first, and after a dropped link resumes the board from the last cursor without reading it all again', async () => {
  const statement = 'Cash machines in Almaty were looted overnight';
  const { eventId, claimIds } = await eventWithClaims(statement);
  const a = await browser();
  const boardReads: string[] = [];
  // Each subscription the page starts, with the cursor of the last entry it had received then.
  const subscribes: { variables: { after: string | null }; lastReceived: string | null }[] = [];
  let lastReceived: string | null = null;
  a.page.on('request', (request) => {
    if (request.url().endsWith('/graphql') && request.postDataJSON()?.operationName === 'DeskBoard') boardReads.push(request.url());
  });
  a.page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      const message = JSON.parse(String(payload));
      if (message.type === 'subscribe') subscribes.push({ variables: message.payload.variables, lastReceived });
    });
    socket.on('framereceived', ({ payload }) => {
      const message = JSON.parse(String(payload));
      if (message.type === 'next' && message.payload.data?.activity) lastReceived = message.payload.data.activity.cursor;
    });
  });
  await signIn(a.page, origin, reviewerA.email);
  await a.page.goto(`${origin}/desk/events/${eventId}`);
  await a.page.getByRole('article', { name: statement }).waitFor();

  await a.page.getByText('Submit a claim').click();
  const newStatement = 'Looters emptied the cash machines of Almaty';
  await a.page.getByLabel('Statement').fill(newStatement);
  await a.page.getByRole('region', { name: 'Already on the desk, read like this:' }).getByRole('link', { name: statement }).waitFor();
  await a.page.getByRole('button', { name: 'Submit' }).click();
  await a.page.getByRole('article', { name: newStatement }).getByText('UNVERIFIED').waitFor();
  const lastSeenKept = () => a.page.evaluate(`Object.entries(localStorage).find(([key]) => key.startsWith('cursor:'))?.[1]`);
  expect(await lastSeenKept()).toEqual(lastReceived);

  const readsBefore = boardReads.length;
  const subscribesBefore = subscribes.length;
  await a.context.setOffline(true);
  await waitForStatus(a.page, /Offline/);
  await world.vote(reviewerB, claimIds[0], 'FALSE');
  await a.context.setOffline(false);
  await a.page.getByRole('article', { name: statement }).getByText('CONSENSUS').waitFor();
  expect(boardReads.length).toBe(readsBefore);
  expect(subscribes.length).toBeGreaterThan(subscribesBefore);
  // Back online, it follows on from the last entry it had received (one may have come in before
  // the socket closed), and keeps that cursor for the next visit.
  const resumed = subscribes.at(-1)!;
  expect(resumed.variables).toEqual({ eventId, after: resumed.lastReceived });
  expect(resumed.lastReceived).toEqual(expect.any(String));
  expect(await lastSeenKept()).toEqual(lastReceived);
});

inChromium('lets an editor reopen a published verdict with a reason and mark a claim as a duplicate', async () => {
  const statement = 'The curfew was lifted in Almaty';
  const { claimIds } = await eventWithClaims(statement, 'Almaty has no curfew any more');
  const [original, duplicate] = claimIds;
  await world.vote(reviewerB, original, 'MISLEADING');
  ok(await editor.api.op('PublishVerdict', { input: { claimId: original, summary: 'The curfew stayed in force until 19 January.' } }));
  const e = await browser();
  await signIn(e.page, origin, editor.email);
  await e.page.goto(`${origin}/desk/claims/${original}`);
  await e.page.getByLabel('Reason').fill('A reader sent the decree that lifted it earlier.');
  await e.page.getByRole('button', { name: 'Reopen' }).click();
  await e.page.locator('.verdict').getByText('CONSENSUS').waitFor();
  expect(ok(await editor.api.op('ClaimDetail', { id: original })).claim.verdict.status).toBe('CONSENSUS');

  await e.page.goto(`${origin}/desk/claims/${duplicate}`);
  await e.page.getByLabel('Duplicate of (claim link or ID)').fill(`${origin}/desk/claims/${original}`);
  await e.page.getByRole('button', { name: 'Mark duplicate' }).click();
  await e.page.getByRole('link', { name: 'Duplicate of another claim' }).waitFor();
  expect(ok(await editor.api.op('ClaimDetail', { id: duplicate })).claim.duplicateOf).toEqual({ id: original });
});

inChromium("lets an organisation's admin invite a member and approve a request to join", async () => {
  const organizationId = await world.organization(`Newsroom ${Math.random().toString(36).slice(2, 7)}`);
  const admin = await world.member(organizationId, { orgAdmin: true });
  const applicant = await world.reviewer(null, 'OBSERVER');
  ok(await applicant.api.op('RequestMembership', { input: { organizationId } }));
  const o = await browser();
  await signIn(o.page, origin, admin.email);
  await o.page.getByRole('link', { name: 'Organisation' }).click();
  const request = o.page.getByRole('listitem').filter({ hasText: 'Reviewer without organisation' });
  await request.getByRole('button', { name: 'Approve' }).click();
  await request.waitFor({ state: 'detached' });
  expect(ok(await applicant.api.op('ViewerMembership')).viewer.membership).toMatchObject({ status: 'ACTIVE', organization: { id: organizationId } });

  await o.page.getByRole('textbox', { name: 'Email' }).fill('new.member@example.org');
  await o.page.getByRole('button', { name: 'Invite a member' }).click();
  await o.page.getByRole('alert').filter({ hasText: /Invitation code for new\.member@example\.org: \S+/ }).waitFor();
});

inChromium('shows a long board a page at a time, filtered by status (live: a claim that comes to match joins it) and by text', async () => {
  const statements = Array.from({ length: 31 }, (_, i) => `Rumour number ${i + 1} about the blackout`);
  const { claimIds } = await eventWithClaims(...statements);
  await world.vote(reviewerB, claimIds[0], 'FALSE');
  const a = await browser();
  await signIn(a.page, origin, reviewerA.email);
  const eventId = ok(await reviewerA.api.op('ClaimDetail', { id: claimIds[0] })).claim.event.id;
  await a.page.goto(`${origin}/desk/events/${eventId}`);
  await a.page.getByRole('article', { name: 'Rumour number 31 about the blackout' }).waitFor();
  expect(await a.page.getByRole('article').count()).toBe(30);
  await a.page.getByRole('button', { name: 'More claims (1 more)' }).click();
  await a.page.getByRole('article', { name: 'Rumour number 1 about the blackout' }).waitFor();
  expect(await a.page.getByRole('article').count()).toBe(31);

  await a.page.getByLabel('Status').selectOption('CONSENSUS');
  await a.page.getByRole('article', { name: 'Rumour number 2 about the blackout' }).waitFor({ state: 'detached' });
  await a.page.getByRole('article', { name: 'Rumour number 1 about the blackout' }).getByText('CONSENSUS').waitFor();
  expect(await a.page.getByRole('article').count()).toBe(1);
  // A claim whose verdict comes to match the filter joins the filtered board without a reload.
  await world.vote(reviewerB, claimIds[1], 'FALSE');
  await a.page.getByRole('article', { name: 'Rumour number 2 about the blackout' }).getByText('CONSENSUS').waitFor();
  expect(await a.page.getByRole('article').count()).toBe(2);
  await a.page.getByLabel('Status').selectOption('');
  const searched = a.page.waitForResponse((response) => response.request().postDataJSON()?.variables?.filter?.search === 'number 17');
  await a.page.getByLabel('Search').fill('number 17');
  const found = (await (await searched).json()).data.event.claims.edges.map((edge: { node: { statement: string } }) => edge.node.statement);
  expect(found).toContain('Rumour number 17 about the blackout');
  await a.page.getByRole('article', { name: 'Rumour number 17 about the blackout' }).waitFor();
});
