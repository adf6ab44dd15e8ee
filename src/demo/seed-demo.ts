import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Config, ConfigError, loadConfig } from '../config/config';
import { DataDirLockedError } from '../db/data-dir-lock';
import { ErrorCode } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { Role, type VerdictStatus } from '../generated/schema-types';
import { startServer } from '../server/app';
import { DemoApi, DemoApiError, DemoOperations as Op } from './demo-api';
import {
  demoAdmin,
  DemoClaim,
  demoClaims,
  demoEvent,
  DemoOrganization,
  DemoOrganizationKey,
  demoOrganizations,
  DemoReviewer,
  DemoReviewerKey,
  demoReviewers,
  demoSuspension,
} from './demo-data';

interface SeededClaim {
  /** Global ID. */
  id: string;
  statement: string;
  language: string;
  status: VerdictStatus;
  /** What demo-data.ts meant it to be; differs only if the verdict rule or the trust model moved. */
  expectedStatus: VerdictStatus;
}

export interface DemoSeedResult {
  /** Global ID of the demo event, new or found. */
  eventId: string;
  /** True when the demo event already existed: then nothing was created and claims is empty. */
  skipped: boolean;
  claims: SeededClaim[];
  editorEmail: string;
  adminEmail: string;
  /** The one password of every demo account, new on each run; null when skipped. */
  password: string | null;
  /** True when the database already had accounts and the demo admin's role was set directly (see bootstrapAdmin). */
  adminBootstrapped: boolean;
}

/** A demo seed that cannot go on; its message says what to do. */
export class DemoSeedError extends Error {}

interface DemoSeedOptions {
  /** The demo accounts' password; random when absent. */
  password?: string;
  /**
   * Makes the reviewer (global ID) an ADMIN, for a database that already had accounts, where
   * the demo admin signs up as an OBSERVER (see bootstrapAdminIn). Absent when the seed has no
   * access to the database but the API: then such a database is refused.
   */
  bootstrapAdmin?: (reviewerId: string) => Promise<void>;
}

/** Each demo reviewer's client, signed in. */
type Desks = Record<DemoReviewerKey, DemoApi>;

/**
 * Loads the demo organisations, accounts, event, claims, evidence, votes, one published verdict
 * and one suspension through the GraphQL API at `url`, as the desk's people would: the admin
 * creates and verifies the organisations and invites everyone, each signs up with the code, and
 * Factcheck.kz's admin suspends a member at the end. Verdicts, the activity log and live
 * subscribers see it as they see real users. A second run finds the event by its title and
 * creates nothing. The password is random per run (the demo accounts may land in a database
 * that real people use) unless one is given.
 */
export async function seedDemo(url: string, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const api = new DemoApi(url);
  const emails = { editorEmail: demoReviewers.editor.email, adminEmail: demoAdmin.email };
  const existing = (await api.all<{ id: string; title: string }>('events', 'id title')).find((event) => event.title === demoEvent.title);
  if (existing) return { eventId: existing.id, skipped: true, claims: [], password: null, adminBootstrapped: false, ...emails };
  await assertOrganizationNamesFree(api);
  const password = options.password ?? randomBytes(12).toString('base64url');
  const { admin, adminBootstrapped } = await signUpAdmin(api, password, options.bootstrapAdmin);
  const organizationIds = await createOrganizations(admin);
  const desks = await enrolReviewers(admin, organizationIds, password);
  const { openedBy, ...eventInput } = demoEvent;
  const { openEvent } = await desks[openedBy].call<{ openEvent: { event: { id: string } } }>(Op.openEvent, { input: eventInput });
  const eventId = openEvent.event.id;
  const claimIds: string[] = [];
  for (const claim of demoClaims) claimIds.push(await seedClaim(desks, eventId, claim));
  await suspendDemoMember(desks);
  return { eventId, skipped: false, claims: await readSeededClaims(api, claimIds), password, adminBootstrapped, ...emails };
}

/** The demo would make its accounts members of a real newsroom that had one of its organisations' names: refuse. */
async function assertOrganizationNamesFree(api: DemoApi): Promise<void> {
  const names = new Set(Object.values(demoOrganizations).map((organization) => organization.name.toLowerCase()));
  const taken = (await api.all<{ name: string }>('organizations', 'name')).find((organization) => names.has(organization.name.trim().toLowerCase()));
  if (taken) {
    throw new DemoSeedError(
      `The organisation "${taken.name}" already exists, and the demo accounts would join it. ` +
        'Seed into an empty database (a new DATA_DIR or DATABASE_URL) instead.',
    );
  }
}

/** The demo admin: the first account on an empty database is the ADMIN; on any other, see DemoSeedOptions.bootstrapAdmin. */
async function signUpAdmin(
  api: DemoApi,
  password: string,
  bootstrapAdmin: DemoSeedOptions['bootstrapAdmin'],
): Promise<{ admin: DemoApi; adminBootstrapped: boolean }> {
  const { token, reviewer } = await signUpDemoAccount(api, { ...demoAdmin, password });
  const adminBootstrapped = reviewer.role !== Role.Admin;
  if (adminBootstrapped) {
    if (!bootstrapAdmin) {
      throw new DemoSeedError(
        `The server's database already has accounts, so the demo admin ${demoAdmin.email} signed up as an OBSERVER ` +
          'and cannot set up the demo through the API. Seed into an empty database instead: a new DATA_DIR ' +
          '(or DATABASE_URL) for `npm start`, then `npm run seed:demo`.',
      );
    }
    await bootstrapAdmin(reviewer.id);
  }
  return { admin: api.as(token), adminBootstrapped };
}

/** The admin creates each organisation and verifies the ones the demo vouches for. */
async function createOrganizations(admin: DemoApi): Promise<Record<DemoOrganizationKey, string>> {
  const ids = {} as Record<DemoOrganizationKey, string>;
  for (const [key, { name, url, verified }] of Object.entries(demoOrganizations) as [DemoOrganizationKey, DemoOrganization][]) {
    const { createOrganization } = await admin.call<{ createOrganization: { organization: { id: string } } }>(Op.createOrganization, {
      input: { name, url },
    });
    ids[key] = createOrganization.organization.id;
    if (verified) await admin.call(Op.setOrganizationVerified, { input: { organizationId: ids[key], verified } });
  }
  return ids;
}

/** The admin invites each demo reviewer with their role, and each signs up with the code. */
async function enrolReviewers(admin: DemoApi, organizationIds: Record<DemoOrganizationKey, string>, password: string): Promise<Desks> {
  const anonymous = new DemoApi(admin.url);
  const desks = {} as Desks;
  for (const [key, reviewer] of Object.entries(demoReviewers) as [DemoReviewerKey, DemoReviewer][]) {
    const { email, displayName, role, orgAdmin } = reviewer;
    const { inviteMember } = await admin.call<{ inviteMember: { invitation: { code: string } } }>(Op.inviteMember, {
      input: { organizationId: organizationIds[reviewer.organization], email, role, orgAdmin },
    });
    const { token } = await signUpDemoAccount(anonymous, { email, password, displayName, invitationCode: inviteMember.invitation.code });
    desks[key] = anonymous.as(token);
  }
  return desks;
}

async function signUpDemoAccount(
  anonymous: DemoApi,
  input: { email: string; password: string; displayName: string; invitationCode?: string },
): Promise<{ token: string; reviewer: { id: string; role: Role } }> {
  try {
    return (await anonymous.call<{ signUp: { token: string; reviewer: { id: string; role: Role } } }>(Op.signUp, { input })).signUp;
  } catch (error) {
    if (error instanceof DemoApiError && error.code === ErrorCode.Conflict) {
      throw new DemoSeedError(
        `The demo account ${input.email} exists but the event "${demoEvent.title}" does not: an earlier seed ` +
          'stopped part-way. Seed into an empty database (a new DATA_DIR or DATABASE_URL) instead.',
      );
    }
    throw error;
  }
}

/**
 * For a database that already had accounts: the demo admin signed up as an OBSERVER, and
 * setReviewerRole needs an ADMIN's token that the seed does not have (it holds no real admin's
 * credentials, and should not act as one). So this bootstrap step alone sets the role on the
 * row; every other step goes through the API.
 */
export function bootstrapAdminIn(dataSource: DataSource): (reviewerId: string) => Promise<void> {
  return async (reviewerId) => {
    await dataSource.getRepository(ReviewerEntity).update({ id: decodeGlobalId(reviewerId, 'Reviewer') }, { role: Role.Admin });
  };
}

/** Returns the claim's global ID. */
async function seedClaim(desks: Desks, eventId: string, data: DemoClaim): Promise<string> {
  const { statement, context, sourceUrl, language, firstSeenAt } = data;
  const { submitClaim } = await desks[data.submittedBy].call<{ submitClaim: { claim: { id: string } } }>(Op.submitClaim, {
    input: { eventId, statement, context, sourceUrl, language, firstSeenAt },
  });
  const claimId = submitClaim.claim.id;
  const evidenceIds: string[] = [];
  for (const { by, ...item } of data.evidence) {
    const { addEvidence } = await desks[by].call<{ addEvidence: { evidence: { id: string } } }>(Op.addEvidence, { input: { claimId, ...item } });
    evidenceIds.push(addEvidence.evidence.id);
  }
  for (const { by, rating, rationale, cites } of data.votes) {
    await desks[by].call(Op.castVote, { input: { claimId, rating, rationale, evidenceIds: cites?.map((i) => evidenceIds[i]) } });
  }
  if (data.publishSummary) await desks.editor.call(Op.publishVerdict, { input: { claimId, summary: data.publishSummary } });
  return claimId;
}

/** The organisation's admin suspends demoSuspension.member, whose votes stop counting. */
async function suspendDemoMember(desks: Desks): Promise<void> {
  const { member, by, reason } = demoSuspension;
  const { viewer } = await desks[member].call<{ viewer: { membership: { id: string } } }>(Op.ownMembership);
  await desks[by].call(Op.suspendMember, { input: { membershipId: viewer.membership.id, reason } });
}

/** The claims' verdicts as the seed left them, after the suspension. */
async function readSeededClaims(api: DemoApi, claimIds: string[]): Promise<SeededClaim[]> {
  return Promise.all(
    demoClaims.map(async ({ statement, language, expectedStatus }, i) => {
      const { claim } = await api.call<{ claim: { verdict: { status: VerdictStatus } } }>(Op.verdictStatus, { id: claimIds[i] });
      return { id: claimIds[i], statement, language, status: claim.verdict.status, expectedStatus };
    }),
  );
}

function summary(result: DemoSeedResult): string {
  if (result.skipped) {
    return [
      `The demo event "${demoEvent.title}" already exists (id ${result.eventId}); nothing was created.`,
      'To seed afresh, use an empty database: a new DATA_DIR, or another DATABASE_URL.',
    ].join('\n');
  }
  const lines = [`Seeded "${demoEvent.title}" (id ${result.eventId}) with ${result.claims.length} claims:`];
  for (const claim of result.claims) {
    const note = claim.status === claim.expectedStatus ? '' : `  (expected ${claim.expectedStatus})`;
    lines.push(`  ${claim.status.padEnd(11)} [${claim.language}] ${claim.statement}${note}`);
  }
  lines.push(
    '',
    `Sign in as the demo editor: ${result.editorEmail} / ${result.password}`,
    `Demo admin: ${result.adminEmail}; every demo account has the same password.`,
  );
  if (result.adminBootstrapped) lines.push('The database already had accounts, so the demo admin was given its role directly.');
  return lines.join('\n');
}

/**
 * `npm run seed:demo`: seeds the configured database (DATABASE_URL, or PGlite under DATA_DIR)
 * through a server of its own on a loopback port. When a server already runs on the PGlite data
 * directory (which one process alone can open), through that server, at its PORT.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  let server;
  try {
    server = await startServer({ ...config, port: 0, host: '127.0.0.1', logLevel: 'silent' });
  } catch (error) {
    if (!(error instanceof DataDirLockedError)) throw error;
    console.log(summary(await seedDemo(await runningServerUrl(config, error))));
    return;
  }
  try {
    console.log(summary(await seedDemo(server.url, { bootstrapAdmin: bootstrapAdminIn(server.app.dataSource) })));
  } finally {
    await server.stop();
  }
}

/** The GraphQL URL of the server that holds the data directory, if it answers at the configured PORT. */
async function runningServerUrl(config: Config, locked: DataDirLockedError): Promise<string> {
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.port}/graphql`;
  const healthz = await fetch(new URL('/healthz', url)).catch(() => null);
  if (!healthz?.ok) {
    throw new DemoSeedError(`${locked.message}\nNo server answers at ${url}: run the seed with the server's PORT (and HOST).`);
  }
  console.log(`A server runs on ${config.dataDir}: seeding through it, at ${url}.`);
  return url;
}

if (require.main === module) {
  main().catch((error) => {
    const known = error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof DemoSeedError;
    console.error(known ? error.message : error);
    process.exitCode = 1;
  });
}
