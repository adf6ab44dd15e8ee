import type { Response } from 'playwright-core';
import { ok } from '../support/client';
import { flakyLink } from '../support/flaky-link';
import { createTestDatabase, onPostgres, startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';
import { Browser, inChromiumOnPostgres, openBrowser, signIn, waitForStatus } from './desk-browser';

// The desk while the server cannot reach its database: the server answers 503
// SERVICE_UNAVAILABLE (nothing was written), and the outbox tries again by itself. The server
// reaches PostgreSQL through a relay the test cuts (PGlite runs inside the server: it cannot
// be out of reach while the server runs).
let server: TestServer;
let link: Awaited<ReturnType<typeof flakyLink>>;
let origin: string;
let world: World;
let reviewer: Member & { email: string };
let browser: Browser | undefined;

beforeAll(async () => {
  if (!onPostgres) return;
  const database = await createTestDatabase();
  link = await flakyLink(database.env.DATABASE_URL);
  server = await startTestServer({}, { env: { DATABASE_URL: link.url }, drop: database.drop });
  origin = new URL(server.url).origin;
  world = await World.create(server.url);
  reviewer = await world.member(await world.organization('Vlast.kz'));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await link?.up().catch(() => undefined);
  await server?.stop();
  await link?.close();
});

const isCastVote = (response: Response) => response.url().endsWith('/graphql') && response.request().postDataJSON()?.operationName === 'CastVote';

inChromiumOnPostgres('keeps a vote refused with SERVICE_UNAVAILABLE in the outbox, tries it again by itself, and it lands exactly once when the database is back', async () => {
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const statement = 'The water supply of Almaty is poisoned';
  const claimId = await world.submitClaim(reviewer, eventId, statement);
  browser = await openBrowser();
  const { page } = browser;
  await signIn(page, origin, reviewer.email);
  await page.goto(`${origin}/desk/claims/${claimId}`);
  await page.getByRole('heading', { name: statement }).waitFor();
  await waitForStatus(page, /^Online$/);

  // Two refusals: the first send, and a second one the outbox made by itself after Retry-After.
  const refusals: Response[] = [];
  const refusedTwice = new Promise<void>((resolve) =>
    page.on('response', (response) => {
      if (isCastVote(response) && response.status() === 503 && refusals.push(response) === 2) resolve();
    }),
  );
  await link.down();
  try {
    await page.getByRole('button', { name: 'False', exact: true }).click();
    await refusedTwice;
    expect((await refusals[0].json()).errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfter: 5 });
    // Still waiting, not refused: no conflict on the item, and the status counts it.
    await waitForStatus(page, /1 waiting/);
    const item = page.getByRole('region', { name: 'Waiting to be sent' }).getByRole('listitem').filter({ hasText: 'Vote False' });
    await item.waitFor();
    expect(await item.getByText(/not done:/).count()).toBe(0);
    expect(await item.getByRole('button', { name: 'Dismiss' }).count()).toBe(0);
  } finally {
    await link.up();
  }

  await page.getByRole('button', { name: 'False', exact: true, pressed: true }).waitFor();
  await waitForStatus(page, /^Online$/);
  const claim = ok(await editor.api.op('ClaimDetail', { id: claimId })).claim;
  expect(claim.votes.edges.map((edge: { node: { rating: string; reviewer: { id: string } } }) => [edge.node.rating, edge.node.reviewer.id])).toEqual([
    ['FALSE', reviewer.id],
  ]);
  const casts = ok(await world.admin.api.op('ActivitySince', { eventId, first: 100 })).activity.edges.filter(
    (edge: { node: { type: string; claim: { id: string } | null } }) => edge.node.type === 'VOTE_CAST' && edge.node.claim?.id === claimId,
  );
  expect(casts).toHaveLength(1);
});
