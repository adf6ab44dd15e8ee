import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { contractDocument, ok } from '../support/client';
import { startTestServer, TestServer } from '../support/test-server';
import { newEmail, signUp, World } from '../support/world';
import { inPool } from './battery-support';
import { brokenDocument, contractOperations, variablesFor, type Pools } from './fuzz-inputs';

let server: TestServer;
beforeAll(async () => {
  // Debug lines: a subscription that stays quiet is shown live by its "subscription opened" line.
  server = await startTestServer({ NODE_ENV: 'production', LOG_LEVEL: 'debug' });
});
afterAll(() => server?.stop());

const seed = Number(process.env.BATTERY_FUZZ_SEED ?? 5_01_2022);
const runs = Number(process.env.BATTERY_FUZZ_RUNS ?? 1000);

// What must never reach a client: a stack frame, a file path, SQL or a driver's message.
const leaks: [string, RegExp][] = [
  ['stack trace', /\n\s+at |\bat [^\s"]+ \(|\.[cm]?[jt]s:\d+|node_modules/],
  ['file path', /\/(work|home|tmp|usr|app|src|dist)\/[\w.-]+\/|[A-Z]:\\\\/],
  ['SQL', /\b(select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)\b|duplicate key|violates|relation "|syntax error at or near|QueryFailedError|invalid input syntax|invalid byte sequence|pg_notify|event_log_heads/i],
];

type Case =
  | { kind: 'operation'; operationName: string; variables: unknown; as: number; overSocket: boolean }
  | { kind: 'document'; query: string; operationName: unknown; as: number; overSocket: boolean }
  | { kind: 'body'; body: string; as: number };

/**
 * The readers and writers the cases are sent as: anonymous, OBSERVER, REVIEWER, EDITOR, ADMIN, an
 * organisation admin (a REVIEWER), a suspended member, a forged token.
 */
const identities = ['anonymous', 'OBSERVER', 'REVIEWER', 'EDITOR', 'ADMIN', 'org admin', 'suspended', 'forged'] as const;

function cases(pools: Pools): fc.Arbitrary<Case> {
  const as = fc.nat({ max: identities.length - 1 });
  const overSocket = fc.nat({ max: 6 }).map((n) => n === 0);
  const operation = fc.constantFrom(...contractOperations).chain((definition) =>
    fc.record({
      kind: fc.constant('operation' as const),
      operationName: fc.constant(definition.name!.value),
      variables: variablesFor(definition, pools),
      as,
      overSocket: definition.operation === 'subscription' ? fc.constant(true) : overSocket,
    }),
  );
  const document = fc.record({
    kind: fc.constant('document' as const),
    query: brokenDocument,
    operationName: fc.oneof(fc.constant(undefined), fc.constantFrom('CastVote', 'Nope', '', 7, null, ['x'])),
    as,
    overSocket,
  });
  const body = fc.record({
    kind: fc.constant('body' as const),
    body: fc.oneof(
      fc.constantFrom('{', '{"query": ', 'null', '[]', '[{"query":"{viewer{id}}"}]', '"query"', '{"query": 7}', '{"query": null}', '{"query": {"a": 1}}'),
      fc.constantFrom('{"query": "{ viewer { id } }", "variables": "x"}', '{"query": "{ viewer { id } }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": "x"}}}'),
      fc.constantFrom(200_000).map((n) => JSON.stringify({ query: `# ${'x'.repeat(n)}\n{ viewer { id } }` })),
      fc.string({ unit: 'binary', maxLength: 30 }),
    ),
    as,
  });
  return fc.oneof({ weight: 14, arbitrary: operation }, { weight: 4, arbitrary: document }, { weight: 1, arbitrary: body });
}

interface Outcome {
  code: string;
  text: string;
}

async function overHttp(url: string, token: string | undefined, body: string): Promise<Outcome> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await response.text();
  let code: string;
  try {
    const json = JSON.parse(text);
    code = json.errors?.[0]?.extensions?.code ?? (json.data ? 'ok' : 'no errors, no data');
  } catch {
    code = 'not JSON';
  }
  return { code: `${response.status} ${code}`, text };
}

/**
 * One operation on a socket of its own: its first result, refusal or close. A subscription that
 * stays quiet is 'live' once the server logs that it opened; no answer at all is a failure.
 */
function overSocket(url: string, token: string | undefined, payload: { query: string; operationName?: unknown; variables?: unknown }): Promise<Outcome> {
  // The connection's id, chosen here, names its one operation in the server's logs.
  const connectionId = randomUUID();
  class Named extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { 'x-request-id': connectionId } });
    }
  }
  return new Promise((resolve) => {
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: Named,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
    });
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      server.logs.off('line', opened);
      unsubscribe();
      void client.dispose();
      resolve(outcome);
    };
    const opened = (line: { msg: string; requestId?: string }) => {
      if (line.msg === 'subscription opened' && line.requestId === `${connectionId}:1`) finish({ code: 'ws live', text: '' });
    };
    server.logs.on('line', opened);
    const timer = setTimeout(() => finish({ code: 'ws no answer', text: '' }), 15_000);
    const unsubscribe = client.subscribe(payload as never, {
      next: (message) => finish({ code: `ws ${(message.errors?.[0]?.extensions as { code?: string })?.code ?? 'ok'}`, text: JSON.stringify(message) }),
      error: (error) => {
        if (Array.isArray(error)) finish({ code: `ws ${(error[0]?.extensions as { code?: string })?.code ?? 'error'}`, text: JSON.stringify(error) });
        else {
          const { code, reason } = error as { code?: number; reason?: string };
          finish({ code: `ws close ${code ?? String(error)}`, text: String(reason ?? '') });
        }
      },
      complete: () => finish({ code: 'ws complete', text: '' }),
    });
  });
}

test(`fuzz: ${runs} malformed documents, variables and inputs over HTTP and graphql-ws: no 5xx, no INTERNAL_SERVER_ERROR, no stack, path or SQL`, async () => {
  const world = await World.create(server.url);
  const observer = await world.reviewer('Readers', 'OBSERVER');
  const reviewer = await world.reviewer('Vlast.kz');
  const editor = await world.editor();
  const sacrificial = await world.reviewer('Azattyq');
  const eventId = await world.openEvent(editor, { quorum: 1 });
  const claimId = await world.submitClaim(reviewer, eventId, 'Shooting reported near the akimat in Almaty');
  const otherClaimId = await world.submitClaim(reviewer, eventId, 'The internet is off across Kazakhstan');
  const evidenceId = ok(await reviewer.api.op('AddEvidence', { input: { claimId, stance: 'SUPPORTS', url: 'https://example.org/a' } })).addEvidence.evidence.id;
  const voteId = (await world.vote(reviewer, claimId, 'FALSE')).vote.id;
  const log = ok(await world.anonymous.op('ActivitySince', { eventId })).activity.edges.map((edge: { cursor: string }) => edge.cursor);
  const claimCursor = ok(await world.anonymous.op('Claims', { first: 1 })).claims.pageInfo.endCursor;

  // The trust model's things: a newsroom with an org admin, a member, a suspended member and an applicant; an unverified
  // organisation; an unused invitation.
  const newsroom = await world.organization('Fuzz newsroom');
  const unverified = await world.organization('Fuzz unverified', false);
  const enrol = async (orgAdmin: boolean) => {
    const member = await world.member(newsroom, { orgAdmin });
    return { ...member, membershipId: await world.membershipOf(member) };
  };
  const orgAdmin = await enrol(true);
  const member = await enrol(false);
  const suspended = await enrol(true);
  await world.suspend(suspended, 'Fuzzing');
  const applicant = await signUp(world.anonymous, { displayName: 'Fuzz applicant' });
  const requested = ok(await applicant.api.op('RequestMembership', { input: { organizationId: newsroom } })).requestMembership.membership.id;
  const inviteeEmail = newEmail();
  const invitationCode = await world.invite(newsroom, inviteeEmail, 'OBSERVER', orgAdmin);
  const organizationCursor = ok(await world.anonymous.op('Organizations', { first: 1 })).organizations.pageInfo.endCursor;
  const membershipIds = [orgAdmin.membershipId, member.membershipId, suspended.membershipId, requested];

  const pools: Pools = {
    ids: [eventId, claimId, otherClaimId, evidenceId, voteId, sacrificial.id, newsroom, unverified, ...membershipIds],
    cursors: [...log, claimCursor, organizationCursor],
    byName: {
      eventId: [eventId],
      claimId: [claimId, otherClaimId],
      duplicateOfId: [claimId],
      evidenceIds: [evidenceId],
      reviewerId: [sacrificial.id],
      organizationId: [newsroom, unverified],
      membershipId: membershipIds,
    },
    texts: { code: [invitationCode], email: [inviteeEmail, member.email], name: ['Fuzz newsroom', ' fuzz NEWSROOM '] },
  };
  const tokens = [undefined, observer.token, reviewer.token, editor.token, world.admin.token, orgAdmin.token, suspended.token, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'];

  const all = fc.sample(cases(pools), { seed, numRuns: runs });
  const bytes = all.reduce((sum, one) => sum + JSON.stringify(one).length, 0);
  process.stdout.write(`fuzz: ${all.length} cases, ${(bytes / 1e6).toFixed(1)} MB of JSON\n`);
  let done = 0;
  const codes = new Map<string, number>();
  const violations: string[] = [];
  await inPool(all, 8, async (one, index) => {
    const token = tokens[one.as];
    let outcome: Outcome;
    if (one.kind === 'body') outcome = await overHttp(server.url, token, one.body);
    else {
      const payload =
        one.kind === 'operation'
          ? { query: contractDocument, operationName: one.operationName, variables: one.variables }
          : { query: one.query, operationName: one.operationName };
      // graphql-ws checks the shape of its messages itself, so the socket gets objects of the right kind.
      const socketable = typeof payload.operationName !== 'number' && !Array.isArray(payload.operationName) && (one.kind !== 'operation' || (typeof one.variables === 'object' && !Array.isArray(one.variables)));
      outcome =
        one.overSocket && socketable && identities[one.as] !== 'forged'
          ? await overSocket(server.url, token, { ...payload, operationName: payload.operationName ?? undefined, variables: (payload as { variables?: unknown }).variables ?? undefined })
          : await overHttp(server.url, token, JSON.stringify(payload));
    }
    codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
    if (++done % 100 === 0) process.stdout.write(`fuzz: ${done} done\n`);
    const clip = (text: string) => (process.env.BATTERY_FUZZ_FULL ? text : text.slice(0, 300));
    // What was sent, for a replay: the variables (the contract document is known), or the document, or the body.
    const sent =
      one.kind === 'operation' ? JSON.stringify(one.variables) ?? 'undefined'
      : one.kind === 'document' ? JSON.stringify({ query: one.query, operationName: one.operationName })
      : JSON.stringify(one.body);
    const describe = () => `case ${index} (${one.kind}${'operationName' in one ? ` ${String(one.operationName)}` : ''} as ${identities[one.as]}): ${outcome.code}: ${clip(outcome.text)}; sent ${clip(sent)}`;
    if (/^5\d\d /.test(outcome.code) || outcome.text.includes('INTERNAL_SERVER_ERROR') || /^ws (close (1011|4500)|no answer)/.test(outcome.code)) violations.push(describe());
    for (const [what, pattern] of leaks) if (pattern.test(outcome.text)) violations.push(`${what} in ${describe()}`);
  });

  const distribution = [...codes].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code}: ${count}`).join(', ');
  console.log(`fuzz: seed=${seed} cases=${all.length} violations=${violations.length}; codes: ${distribution}`);
  expect(violations).toEqual([]);
}, 600_000);
