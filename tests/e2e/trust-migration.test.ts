import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { startEmbeddedDatabase } from '../../src/db/embedded';
import { hashPassword } from '../../src/services/passwords';
import { ApiClient, ok } from '../support/client';
import { createTestDatabase, startTestServer, TestDatabase, TestServer } from '../support/test-server';

// A desk that ran before the trust model: free-text organisations on reviewers. The Trust
// migration must turn them into (unverified) organisations with ACTIVE members and keep every
// role, so the desk keeps working until an ADMIN verifies the real newsrooms.

const trustMigration = migrations.findIndex((migration) => migration.name.startsWith('Trust'));
const password = 'correct horse battery';

let database: TestDatabase;
let server: TestServer;
afterAll(() => server?.stop());

/** The schema as it was before the Trust migration, with the given SQL run on it. */
async function legacyDatabase(seed: string[]): Promise<TestDatabase> {
  const created = await createTestDatabase();
  const embedded = created.env.DATA_DIR ? await startEmbeddedDatabase({ dataDir: created.env.DATA_DIR, maxConnections: 3 }) : undefined;
  const dataSource = new DataSource({
    type: 'postgres',
    url: embedded?.url ?? created.env.DATABASE_URL,
    migrations: migrations.slice(0, trustMigration),
    migrationsTableName: 'migrations',
    poolSize: 1,
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    for (const statement of seed) await dataSource.query(statement);
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
  return created;
}

test('free-text organisations become unverified organisations with ACTIVE members; roles are kept and the desk keeps working', async () => {
  const hash = await hashPassword(password);
  const legacy = (n: number, email: string, organization: string | null, role: string) =>
    `('00000000-0000-4000-8000-00000000000${n}', '${email}', '${hash}', 'Legacy ${n}', ${organization === null ? 'NULL' : `'${organization}'`}, '${role}')`;
  database = await legacyDatabase([
    `INSERT INTO reviewers (id, email, password_hash, display_name, organization, role) VALUES
       ${legacy(1, 'admin@desk.example', null, 'ADMIN')},
       ${legacy(2, 'a@vlast.example', 'Vlast.kz', 'REVIEWER')},
       ${legacy(3, 'b@vlast.example', '  vlast.KZ ', 'EDITOR')},
       ${legacy(4, 'c@kloop.example', 'Kloop', 'REVIEWER')},
       ${legacy(5, 'd@none.example', '   ', 'OBSERVER')},
       ${legacy(6, 'e@none.example', null, 'REVIEWER')}`,
  ]);
  server = await startTestServer({}, database);
  const anonymous = new ApiClient(server.url);

  const organizations = ok(await anonymous.op('Organizations', { first: 10 })).organizations.edges.map((edge: { node: unknown }) => edge.node);
  expect(organizations).toEqual([
    { id: expect.any(String), name: 'Kloop', url: null, verified: false, memberCount: 1 },
    { id: expect.any(String), name: expect.stringMatching(/^vlast\.kz$/i), url: null, verified: false, memberCount: 2 },
  ]);

  const signIn = async (email: string) => anonymous.as(ok(await anonymous.op('LogIn', { input: { email, password } })).logIn.token);
  const admin = await signIn('admin@desk.example');
  const seen = [];
  for (let n = 1; n <= 6; n++) {
    const id = Buffer.from(`Reviewer:00000000-0000-4000-8000-00000000000${n}`).toString('base64url');
    const { node } = ok(await admin.query('query ($id: ID!) { node(id: $id) { ... on Reviewer { email role organization membership { status orgAdmin } } } }', { id }));
    seen.push(node);
  }
  const vlast = expect.stringMatching(/^vlast\.kz$/i);
  expect(seen).toEqual([
    { email: 'admin@desk.example', role: 'ADMIN', organization: null, membership: null },
    { email: 'a@vlast.example', role: 'REVIEWER', organization: vlast, membership: { status: 'ACTIVE', orgAdmin: false } },
    { email: 'b@vlast.example', role: 'EDITOR', organization: vlast, membership: { status: 'ACTIVE', orgAdmin: false } },
    { email: 'c@kloop.example', role: 'REVIEWER', organization: 'Kloop', membership: { status: 'ACTIVE', orgAdmin: false } },
    { email: 'd@none.example', role: 'OBSERVER', organization: null, membership: null },
    { email: 'e@none.example', role: 'REVIEWER', organization: null, membership: null },
  ]);

  // The desk keeps working: the legacy editor opens an event, a legacy reviewer votes, and the
  // ADMIN verifies the real newsroom.
  const editor = await signIn('b@vlast.example');
  const eventId = ok(await editor.op('OpenEvent', { input: { title: 'After the upgrade', policy: { quorum: 1 } } })).openEvent.event.id;
  const claimId = ok(await editor.op('SubmitClaim', { input: { eventId, statement: 'The upgrade kept every vote' } })).submitClaim.claim.id;
  ok(await (await signIn('a@vlast.example')).op('CastVote', { input: { claimId, rating: 'TRUE' } }));
  expect(ok(await editor.op('ClaimTrust', { id: claimId })).claim.verdict).toMatchObject({ status: 'CONSENSUS', voteCount: 1, organizationCount: 0 });
  ok(await admin.op('SetOrganizationVerified', { input: { organizationId: organizations[1].id, verified: true } }));
  expect(ok(await editor.op('ClaimTrust', { id: claimId })).claim.verdict).toMatchObject({ status: 'CONSENSUS', organizationCount: 1 });
});
