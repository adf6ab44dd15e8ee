import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../config/config';
import { DataDirLockedError } from '../db/data-dir-lock';
import { openDatabase } from '../db/database';
import { DomainError, ErrorCode } from '../domain/errors';
import { encodeGlobalId } from '../domain/global-id';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { Role, type VerdictStatus } from '../generated/graphql';
import { submitClaim } from '../services/claim-service';
import { openEvent } from '../services/event-service';
import { addEvidence } from '../services/evidence-service';
import { AppServices, createRequestContext, RequestContext, unsuspendedViewer } from '../services/request-context';
import { setReviewerRole, signUp } from '../services/reviewer-service';
import { castVote } from '../services/vote-service';
import { publishVerdict } from '../services/workflow-service';
import { createAppServices } from '../server/app-services';
import { createLogger } from '../server/logger';
import { DemoClaim, demoClaims, demoEvent, DemoReviewerKey, demoReviewers } from './demo-data';

export interface SeededClaim {
  /** Global ID. */
  id: string;
  statement: string;
  language: string;
  status: VerdictStatus;
  /** What demo-data.ts meant it to be; differs only if the verdict rule or default policy moved. */
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
 * Loads the demo event, accounts, claims, evidence, votes and one published verdict through
 * the services, so verdicts and the activity log come out as for real users. A second run
 * finds the event by its title and creates nothing. The password is random per run (the
 * demo accounts may land in a database that real people use) unless one is given.
 */
export async function seedDemo(app: AppServices, options: { password?: string } = {}): Promise<DemoSeedResult> {
  const emails = { editorEmail: demoReviewers.editor.email, adminEmail: demoReviewers.admin.email };
  const existing = await app.dataSource.getRepository(BreakingEventEntity).findOneBy({ title: demoEvent.title });
  if (existing) {
    return { eventId: encodeGlobalId('Event', existing.id), skipped: true, claims: [], password: null, adminBootstrapped: false, ...emails };
  }
  const password = options.password ?? randomBytes(12).toString('base64url');
  const { contexts, adminBootstrapped } = await createAccounts(app, password);
  const event = await openEvent(contexts[demoEvent.openedBy], {
    title: demoEvent.title,
    description: demoEvent.description,
    region: demoEvent.region,
    startedAt: new Date(demoEvent.startedAt),
  });
  const eventId = encodeGlobalId('Event', event.id);
  const claims: SeededClaim[] = [];
  for (const claim of demoClaims) claims.push(await seedClaim(contexts, eventId, claim));
  return { eventId, skipped: false, claims, password, adminBootstrapped, ...emails };
}

/** Signs every demo account up, the admin first, then gives each its role as the admin. */
async function createAccounts(app: AppServices, password: string): Promise<{ contexts: Contexts; adminBootstrapped: boolean }> {
  const anonymous = createRequestContext(app, null);
  const keys = Object.keys(demoReviewers) as DemoReviewerKey[];
  const accounts = {} as Record<DemoReviewerKey, ReviewerEntity>;
  for (const key of keys) {
    const { displayName, email, organization } = demoReviewers[key];
    accounts[key] = await signUpDemoAccount(anonymous, { email, password, displayName, organization });
  }
  const adminBootstrapped = accounts.admin.role !== Role.Admin;
  if (adminBootstrapped) accounts.admin = await bootstrapAdmin(app, accounts.admin);
  const admin = createRequestContext(app, unsuspendedViewer(accounts.admin));
  for (const key of keys) {
    const role = demoReviewers[key].role;
    if (accounts[key].role === role) continue;
    accounts[key] = await setReviewerRole(admin, { reviewerId: encodeGlobalId('Reviewer', accounts[key].id), role });
  }
  const contexts = Object.fromEntries(keys.map((key) => [key, createRequestContext(app, unsuspendedViewer(accounts[key]))])) as Contexts;
  return { contexts, adminBootstrapped };
}

async function signUpDemoAccount(anonymous: RequestContext, input: Parameters<typeof signUp>[1]): Promise<ReviewerEntity> {
  try {
    return (await signUp(anonymous, input)).reviewer;
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
 * admin signs up as a REVIEWER, and setReviewerRole needs an ADMIN's context that the seed
 * does not have (it holds no real admin's credentials, and should not act as one). So this
 * bootstrap step alone sets the role on the row; every later step goes through the services.
 */
async function bootstrapAdmin(app: AppServices, reviewer: ReviewerEntity): Promise<ReviewerEntity> {
  const reviewers = app.dataSource.getRepository(ReviewerEntity);
  await reviewers.update({ id: reviewer.id }, { role: Role.Admin });
  return reviewers.findOneByOrFail({ id: reviewer.id });
}

async function seedClaim(contexts: Contexts, eventId: string, data: DemoClaim): Promise<SeededClaim> {
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
  let status = claim.verdictStatus;
  for (const { by, rating, rationale, cites } of data.votes) {
    const voted = await castVote(contexts[by], { claimId, rating, rationale, evidenceIds: cites?.map((i) => evidenceIds[i]) });
    status = voted.claim.verdictStatus;
  }
  if (data.publishSummary) {
    status = (await publishVerdict(contexts.editor, { claimId, summary: data.publishSummary })).verdictStatus;
  }
  return { id: claimId, statement: data.statement, language: data.language, status, expectedStatus: data.expectedStatus };
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
