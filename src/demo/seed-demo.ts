import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/config';
import { DataDirLockedError } from '../db/data-dir-lock';
import { openDatabase } from '../db/database';
import { queryRows } from '../db/transaction';
import { DomainError, ErrorCode } from '../domain/errors';
import { encodeGlobalId } from '../domain/global-id';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { Role, type VerdictStatus } from '../generated/graphql';
import { submitClaim } from '../services/claim-service';
import { openEvent } from '../services/event-service';
import { addEvidence } from '../services/evidence-service';
import { inviteMember } from '../services/invitation-service';
import { suspendMember } from '../services/membership-service';
import { createOrganization, setOrganizationVerified } from '../services/organization-service';
import type { AppServices } from '../services/app-services';
import { createRequestContext, type RequestContext } from '../services/request-context';
import { AuthResult, reviewerForToken, signUp } from '../services/reviewer-service';
import { castVote } from '../services/vote-service';
import { publishVerdict } from '../services/workflow-service';
import { createAppServices } from '../server/app-services';
import { createLogger } from '../observability/logger';
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

export interface SeededClaim {
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

type Contexts = Record<DemoReviewerKey, RequestContext>;

/**
 * Loads the demo organisations, accounts, event, claims, evidence, votes, one published verdict
 * and one suspension through the services, as a desk would: the admin creates and verifies the
 * organisations and invites everyone, each signs up with the code, and Factcheck.kz's admin
 * suspends a member at the end. Verdicts and the activity log come out as for real users. A
 * second run finds the event by its title and creates nothing. The password is random per run
 * (the demo accounts may land in a database that real people use) unless one is given.
 */
export async function seedDemo(app: AppServices, options: { password?: string } = {}): Promise<DemoSeedResult> {
  const emails = { editorEmail: demoReviewers.editor.email, adminEmail: demoAdmin.email };
  const existing = await app.dataSource.getRepository(BreakingEventEntity).findOneBy({ title: demoEvent.title });
  if (existing) {
    return { eventId: encodeGlobalId('Event', existing.id), skipped: true, claims: [], password: null, adminBootstrapped: false, ...emails };
  }
  await assertOrganizationNamesFree(app);
  const password = options.password ?? randomBytes(12).toString('base64url');
  const { admin, adminBootstrapped } = await signUpAdmin(app, password);
  const organizationIds = await createOrganizations(admin);
  const contexts = await enrolReviewers(admin, organizationIds, password);
  const { openedBy, ...eventInput } = demoEvent;
  const event = await openEvent(contexts[openedBy], { ...eventInput, startedAt: new Date(demoEvent.startedAt) });
  const eventId = encodeGlobalId('Event', event.id);
  const claimIds: string[] = [];
  for (const claim of demoClaims) claimIds.push(await seedClaim(contexts, eventId, claim));
  await suspendDemoMember(contexts);
  return { eventId, skipped: false, claims: await readSeededClaims(app, claimIds), password, adminBootstrapped, ...emails };
}

/** The demo would make its accounts members of a real newsroom that had one of its organisations' names: refuse. */
async function assertOrganizationNamesFree(app: AppServices): Promise<void> {
  const names = Object.values(demoOrganizations).map((organization) => organization.name.toLowerCase());
  const [taken] = await queryRows<{ name: string }>(app.dataSource.manager, 'SELECT name FROM organizations WHERE lower(name) = ANY($1::text[])', [names]);
  if (taken) {
    throw new DemoSeedError(
      `The organisation "${taken.name}" already exists, and the demo accounts would join it. ` +
        'Seed into an empty database (a new DATA_DIR or DATABASE_URL) instead.',
    );
  }
}

/** The demo admin: the first account on an empty database is the ADMIN; on any other, see bootstrapAdmin. */
async function signUpAdmin(app: AppServices, password: string): Promise<{ admin: RequestContext; adminBootstrapped: boolean }> {
  const { token, reviewer } = await signUpDemoAccount(createRequestContext(app, null), { ...demoAdmin, password });
  const adminBootstrapped = reviewer.role !== Role.Admin;
  if (adminBootstrapped) await bootstrapAdmin(app, reviewer);
  return { admin: await contextFor(app, token), adminBootstrapped };
}

/** The admin creates each organisation and verifies the ones the demo vouches for. */
async function createOrganizations(admin: RequestContext): Promise<Record<DemoOrganizationKey, string>> {
  const ids = {} as Record<DemoOrganizationKey, string>;
  for (const [key, { name, url, verified }] of Object.entries(demoOrganizations) as [DemoOrganizationKey, DemoOrganization][]) {
    ids[key] = encodeGlobalId('Organization', (await createOrganization(admin, { name, url })).id);
    if (verified) await setOrganizationVerified(admin, { organizationId: ids[key], verified });
  }
  return ids;
}

/** The admin invites each demo reviewer with their role, and each signs up with the code. */
async function enrolReviewers(admin: RequestContext, organizationIds: Record<DemoOrganizationKey, string>, password: string): Promise<Contexts> {
  const anonymous = createRequestContext(admin.app, null);
  const contexts = {} as Contexts;
  for (const [key, reviewer] of Object.entries(demoReviewers) as [DemoReviewerKey, DemoReviewer][]) {
    const { email, displayName, role, orgAdmin } = reviewer;
    const { code } = await inviteMember(admin, { organizationId: organizationIds[reviewer.organization], email, role, orgAdmin });
    const { token } = await signUpDemoAccount(anonymous, { email, password, displayName, invitationCode: code });
    contexts[key] = await contextFor(admin.app, token);
  }
  return contexts;
}

/** A context for the token's reviewer, read as the server reads a request's viewer. */
async function contextFor(app: AppServices, token: string): Promise<RequestContext> {
  return createRequestContext(app, await reviewerForToken({ app }, token));
}

async function signUpDemoAccount(anonymous: RequestContext, input: Parameters<typeof signUp>[1]): Promise<AuthResult> {
  try {
    return await signUp(anonymous, input);
  } catch (error) {
    if (error instanceof DomainError && error.code === ErrorCode.Conflict) {
      throw new DemoSeedError(
        `The demo account ${input.email} exists but the event "${demoEvent.title}" does not: an earlier seed ` +
          'stopped part-way. Seed into an empty database (a new DATA_DIR or DATABASE_URL) instead.',
      );
    }
    throw error;
  }
}

/**
 * The one write that bypasses the services. On a database that already had accounts the demo
 * admin signs up as an OBSERVER, and setReviewerRole needs an ADMIN's context that the seed
 * does not have (it holds no real admin's credentials, and should not act as one). So this
 * bootstrap step alone sets the role on the row; every later step goes through the services.
 */
async function bootstrapAdmin(app: AppServices, reviewer: ReviewerEntity): Promise<void> {
  await app.dataSource.getRepository(ReviewerEntity).update({ id: reviewer.id }, { role: Role.Admin });
}

/** Returns the claim's database id. */
async function seedClaim(contexts: Contexts, eventId: string, data: DemoClaim): Promise<string> {
  const { claim } = await submitClaim(contexts[data.submittedBy], {
    eventId,
    statement: data.statement,
    context: data.context,
    sourceUrl: data.sourceUrl,
    language: data.language,
    firstSeenAt: data.firstSeenAt ? new Date(data.firstSeenAt) : null,
  });
  const claimId = encodeGlobalId('Claim', claim.id);
  const evidenceIds: string[] = [];
  for (const { by, ...item } of data.evidence) {
    const evidence = await addEvidence(contexts[by], { claimId, ...item });
    evidenceIds.push(encodeGlobalId('Evidence', evidence.id));
  }
  for (const { by, rating, rationale, cites } of data.votes) {
    await castVote(contexts[by], { claimId, rating, rationale, evidenceIds: cites?.map((i) => evidenceIds[i]) });
  }
  if (data.publishSummary) await publishVerdict(contexts.editor, { claimId, summary: data.publishSummary });
  return claim.id;
}

/** The organisation's admin suspends demoSuspension.member, whose votes stop counting. */
async function suspendDemoMember(contexts: Contexts): Promise<void> {
  const { member, by, reason } = demoSuspension;
  const membership = await contexts[by].loaders.currentMembership.load(contexts[member].viewer!.id);
  await suspendMember(contexts[by], { membershipId: encodeGlobalId('Membership', membership!.id), reason });
}

/** The claims' verdicts as the seed left them, after the suspension. */
async function readSeededClaims(app: AppServices, claimIds: string[]): Promise<SeededClaim[]> {
  const { loaders } = createRequestContext(app, null);
  return Promise.all(
    demoClaims.map(async ({ statement, language, expectedStatus }, i) => {
      const { verdictStatus } = (await loaders.claim.load(claimIds[i]))!;
      return { id: encodeGlobalId('Claim', claimIds[i]), statement, language, status: verdictStatus, expectedStatus };
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

/** `npm run seed:demo`: the configured database (DATABASE_URL, or PGlite under DATA_DIR). */
async function main(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const app = createAppServices(database, config, createLogger('silent'));
    console.log(summary(await seedDemo(app)));
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((error) => {
    const known = error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof DemoSeedError;
    console.error(known ? error.message : error);
    process.exitCode = 1;
  });
}
