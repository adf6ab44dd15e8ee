import { randomBytes } from 'node:crypto';
import { ok } from '../support/client';
import { expectRefused } from '../support/refusals';
import { startTestServer, TestServer } from '../support/test-server';
import { World } from '../support/world';

// A server of its own: the last-ADMIN rule depends on who else is ADMIN.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

test('the last ADMIN cannot be demoted; with a second ADMIN, the first can', async () => {
  const world = await World.create(server.url);
  const demoteSelf = { input: { reviewerId: world.admin.id, role: 'EDITOR' } };
  expectRefused(await world.admin.api.op('SetReviewerRole', demoteSelf), 'CONFLICT');
  expect(ok(await world.admin.api.op('Viewer')).viewer.role).toBe('ADMIN');
  const second = await world.reviewer('Desk', 'ADMIN');
  ok(await second.api.op('SetReviewerRole', demoteSelf));
  expect(ok(await world.admin.api.op('Viewer')).viewer.role).toBe('EDITOR');
  expectRefused(await second.api.op('SetReviewerRole', { input: { reviewerId: second.id, role: 'REVIEWER' } }), 'CONFLICT');
  // The world's admin is shared by the other tests of this server: give the role back.
  ok(await second.api.op('SetReviewerRole', { input: { reviewerId: world.admin.id, role: 'ADMIN' } }));
});

test('a retried submitClaim or addEvidence with the same key returns the first result and writes once', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const reviewer = await world.reviewer();
  const eventId = await world.openEvent(editor);
  const key = `retry-${randomBytes(4).toString('hex')}`;
  const claimInput = { eventId, statement: 'Banks do not work in Almaty', idempotencyKey: key };
  // Sent twice at the same instant, as a client on a flaky link does.
  const [first, second] = await Promise.all([
    reviewer.api.op('SubmitClaim', { input: claimInput }),
    reviewer.api.op('SubmitClaim', { input: claimInput }),
  ]);
  const claimId = ok(first).submitClaim.claim.id;
  expect(ok(second).submitClaim.claim.id).toBe(claimId);
  // The same key from another reviewer is another claim.
  const other = await world.reviewer();
  expect(ok(await other.api.op('SubmitClaim', { input: claimInput })).submitClaim.claim.id).not.toBe(claimId);
  // The same key for another input is refused.
  expectRefused(await reviewer.api.op('SubmitClaim', { input: { ...claimInput, statement: 'Banks work' } }), 'CONFLICT');

  const evidenceInput = { claimId, stance: 'SUPPORTS', url: 'https://example.org/banks', idempotencyKey: key };
  const evidence = await Promise.all([1, 2, 3].map(() => reviewer.api.op('AddEvidence', { input: evidenceInput })));
  expect(new Set(evidence.map((response) => ok(response).addEvidence.evidence.id)).size).toBe(1);
  expectRefused(await reviewer.api.op('AddEvidence', { input: { ...evidenceInput, stance: 'REFUTES' } }), 'CONFLICT');

  const board = ok(await world.anonymous.op('EventBoard', { id: eventId })).event;
  expect(board.stats.claimCount).toBe(2);
  const claim = board.claims.edges.find((edge: { node: { id: string } }) => edge.node.id === claimId).node;
  expect(claim.evidence.totalCount).toBe(1);
  const log = ok(await world.anonymous.op('ActivitySince', { eventId })).activity.edges.map(
    (edge: { node: { type: string } }) => edge.node.type,
  );
  expect(log).toEqual(['EVENT_OPENED', 'CLAIM_SUBMITTED', 'CLAIM_SUBMITTED', 'EVIDENCE_ADDED']);
});

test('a published claim cannot be marked as a duplicate until it is reopened', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const published = await world.submitClaim(editor, eventId, 'Russian troops have invaded Kazakhstan');
  const original = await world.submitClaim(editor, eventId, 'Russian troops invaded Kazakhstan');
  await world.vote(editor, published, 'FALSE');
  ok(await editor.api.op('PublishVerdict', { input: { claimId: published, summary: 'CSTO units, not an invasion.' } }));
  expectRefused(await editor.api.op('MarkDuplicate', { input: { claimId: published, duplicateOfId: original } }), 'CONFLICT');
  ok(await editor.api.op('ReopenClaim', { input: { claimId: published, reason: 'Merging with the earlier report' } }));
  const marked = ok(await editor.api.op('MarkDuplicate', { input: { claimId: published, duplicateOfId: original } }));
  expect(marked.markDuplicate.claim.duplicateOf.id).toBe(original);
});

test('the activity log of an event that does not exist is NOT_FOUND', async () => {
  const world = await World.create(server.url);
  const editor = await world.editor();
  const eventId = await world.openEvent(editor);
  ok(await editor.api.op('ActivitySince', { eventId }));
  const missing = Buffer.from('Event:00000000-0000-4000-8000-000000000000').toString('base64url');
  expectRefused(await world.anonymous.op('ActivitySince', { eventId: missing }), 'NOT_FOUND');
});
