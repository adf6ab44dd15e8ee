import { ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { Member, World } from '../support/world';
import { Browser, inChromium, openBrowser } from './desk-browser';

// GraphiQL as a developer uses it, in a real Chromium: served by the server outside production
// (src/server/graphiql.ts), its subscriptions over graphql-ws on /graphql, with the token typed
// in its headers pane as the socket's connectionParams.
let server: TestServer;
let world: World;
let reviewer: Member;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startTestServer({ NODE_ENV: 'development' });
  world = await World.create(server.url);
  reviewer = await world.reviewer('Vlast.kz');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface Frame {
  type: string;
  payload?: any;
}

inChromium("runs a subscription typed into GraphiQL over graphql-ws, with the headers pane's token, and shows a vote's entries as they come", async () => {
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(editor, eventId, 'Tanks are on the streets of Almaty');
  const head = ok(await world.anonymous.query('query ($id: ID!) { event(id: $id) { activityCursor } }', { id: eventId })).event.activityCursor;

  browser = await openBrowser();
  const { page } = browser;
  const sent: Frame[] = [];
  const received: Frame[] = [];
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => sent.push(JSON.parse(String(payload))));
    socket.on('framereceived', ({ payload }) => received.push(JSON.parse(String(payload))));
  });
  await page.goto(new URL('/graphql', server.url).href);

  // Typed as a developer would: the whole query editor replaced, then the headers pane.
  const queryEditor = page.getByRole('region', { name: 'Query Editor' }).locator('.CodeMirror');
  await queryEditor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(
    `subscription FollowEvent {\n  activity(eventId: "${eventId}", after: "${head}") {\n    cursor\n    type\n    claim { id }\n    actor { id }\n  }\n}\n`,
  );
  await page.getByRole('button', { name: 'Headers' }).click();
  const headersEditor = page.getByRole('region', { name: 'Headers' }).locator('.graphiql-editor:not(.hidden) .CodeMirror');
  await headersEditor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(`{"authorization": "Bearer ${reviewer.token}"}`);
  await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
  await page.getByRole('button', { name: 'Stop query (Ctrl-Enter)' }).waitFor();

  await world.vote(reviewer, claimId, 'FALSE');
  const response = page.locator('.graphiql-response .CodeMirror-code');
  await response.filter({ hasText: '"VERDICT_CHANGED"' }).filter({ hasText: reviewer.id }).waitFor();

  // Over graphql-ws: the token went as connectionParams, and each entry came as a `next` message.
  expect(sent.find((frame) => frame.type === 'connection_init')?.payload).toEqual({ authorization: `Bearer ${reviewer.token}` });
  expect(sent.filter((frame) => frame.type === 'subscribe').map((frame) => frame.payload.operationName)).toEqual(['FollowEvent']);
  const entries = received.filter((frame) => frame.type === 'next').map((frame) => frame.payload.data.activity);
  expect(entries).toEqual([
    { cursor: expect.any(String), type: 'VOTE_CAST', claim: { id: claimId }, actor: { id: reviewer.id } },
    { cursor: expect.any(String), type: 'VERDICT_CHANGED', claim: { id: claimId }, actor: { id: reviewer.id } },
  ]);
});
