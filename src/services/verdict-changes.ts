import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { entityRows } from '../db/entity-rows';
import { ClaimEntity } from '../entities/claim.entity';
import type { StoredVerdict } from '../entities/verdict.embedded';
import { ActivityType } from '../generated/graphql';
import { Ballot, computeVerdict, outcomeChanged, VerdictState } from '../domain/verdict';
import { countsTowardVerdict } from '../domain/trust';
import { suspendedSql } from './standing';
import type { Role } from '../generated/graphql';
import type { ConsensusPolicy } from '../domain/policy';
import type { NewActivity } from './activity-log';
import { queryRows } from '../db/transaction';

/** What a verdict change sets; version and updatedAt follow from it. */
export type VerdictTarget = Omit<VerdictState, 'version' | 'updatedAt'>;

/** A change that may move verdicts: when, by whom, the log it appends to, and why, when the system knows. */
export interface VerdictChangeContext {
  at: Date;
  actorId: string | null;
  log: NewActivity[];
  /** Logged as the entries' reason (Activity.reason). */
  reason?: string;
}

/** A locked claim and the verdict the rule (or an editor) gives it. */
export interface VerdictMove {
  claim: ClaimEntity;
  target: VerdictTarget;
}

/**
 * Moves a locked claim's verdict to the target when anything clients see changes: version up
 * by one, updatedAt to `at`, a VERDICT_CHANGED entry, and the same for each of its duplicates,
 * whose verdict is always their original's. Returns whether the claim's verdict changed.
 */
export async function changeVerdict(tx: EntityManager, claim: ClaimEntity, target: VerdictTarget, change: VerdictChangeContext): Promise<boolean> {
  return (await changeVerdicts(tx, [{ claim, target }], change)).includes(claim);
}

/**
 * changeVerdict for many locked claims at once: every changed verdict is stored in one
 * statement, and their duplicates are locked in the same one, however many claims move (a
 * suspension may move thousands, bench B8). Returns the claims whose verdict changed,
 * duplicates included, each with one VERDICT_CHANGED entry in `change.log`.
 */
export async function changeVerdicts(tx: EntityManager, moves: readonly VerdictMove[], change: VerdictChangeContext): Promise<ClaimEntity[]> {
  const changed = moves.flatMap(({ claim, target }) => {
    const previous = claim.verdict;
    const published = previous.publishedAt?.getTime() !== target.publishedAt?.getTime();
    if (!outcomeChanged(previous, target) && !published) return [];
    return [{ claim, target, previous, verdict: { ...target, version: previous.version + 1, updatedAt: change.at } }];
  });
  if (changed.length === 0) return [];
  const duplicates = await storeVerdicts(tx, changed);
  const targets = new Map<string, VerdictTarget>();
  for (const { claim, target, previous, verdict } of changed) {
    claim.verdict = verdict;
    targets.set(claim.id, target);
    change.log.push({
      type: ActivityType.VerdictChanged,
      claimId: claim.id,
      actorId: change.actorId,
      previous,
      verdict,
      ...(change.reason ? { detail: { reason: change.reason } } : {}),
    });
  }
  const followers = await changeVerdicts(tx, duplicates.map((duplicate) => ({ claim: duplicate, target: targets.get(duplicate.duplicateOfId!)! })), change);
  return [...changed.map(({ claim }) => claim), ...followers];
}

/**
 * Stores locked claims' new verdicts and locks their duplicates FOR UPDATE, in id order (after
 * the claims themselves, as claim-locks orders them); returns the duplicates. One statement,
 * as it runs on most votes (bench B2); its verdict columns are StoredVerdict's (verdictRecord).
 */
async function storeVerdicts(tx: EntityManager, stored: readonly { claim: ClaimEntity; verdict: StoredVerdict }[]): Promise<ClaimEntity[]> {
  const claims = entityRows(tx.connection, ClaimEntity);
  const record = verdictRecord(tx.connection);
  const rows = await queryRows<ObjectLiteral>(
    tx,
    `WITH stored AS (
       UPDATE "${claims.table}" c SET ${record.assignments}, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, ${record.definition})
        WHERE c.id = v.id
     )
     SELECT ${claims.columns('x')} FROM "${claims.table}" x WHERE x.duplicate_of_id = ANY($2::uuid[]) ORDER BY x.id FOR UPDATE`,
    [JSON.stringify(stored.map(({ claim, verdict }) => ({ id: claim.id, ...verdict }))), stored.map(({ claim }) => claim.id)],
  );
  return claims.hydrate(rows);
}

const verdictRecords = new WeakMap<DataSource, { assignments: string; definition: string }>();

/**
 * The claim's verdict columns, from StoredVerdict's metadata: `verdict_x = v."x"` for each, and
 * the record definition that reads a StoredVerdict's JSON (`"x" type`), so that a new verdict
 * column is stored without touching the statement.
 */
export function verdictRecord(dataSource: DataSource): { assignments: string; definition: string } {
  let record = verdictRecords.get(dataSource);
  if (!record) {
    const columns = dataSource.getMetadata(ClaimEntity).findEmbeddedWithPropertyPath('verdict')!.columns;
    record = {
      assignments: columns.map((column) => `"${column.databaseName}" = v."${column.propertyName}"`).join(', '),
      definition: columns.map((column) => `"${column.propertyName}" ${column.type}`).join(', '),
    };
    verdictRecords.set(dataSource, record);
  }
  return record;
}

/** The rule's verdict for a claim from its current votes, under the event's policy. */
export async function ruleVerdict(
  tx: EntityManager,
  claim: ClaimEntity,
  policy: ConsensusPolicy,
): Promise<VerdictTarget> {
  return ruleTarget((await ballotsOf(tx, [claim.id])).get(claim.id) ?? [], policy);
}

/** A stored vote as the rule sees it, with who cast it. */
export interface VoterBallot extends Ballot {
  voterId: string;
}

/** The rule's verdict from given votes: unpublished, as every recomputation is. */
export function ruleTarget(ballots: readonly Ballot[], policy: ConsensusPolicy): VerdictTarget {
  return { ...computeVerdict(ballots, policy), publishedAt: null, publishedById: null, summary: null };
}

/**
 * The votes of claims as the verdict rule sees them, read inside the transaction: the one place
 * that reads who may vote (the voter's role, any SUSPENDED membership) and for which verified
 * organisation (an ACTIVE membership of a verified organisation).
 */
export async function ballotsOf(tx: EntityManager, claimIds: readonly string[]): Promise<Map<string, VoterBallot[]>> {
  const rows = await queryRows<{ claimId: string; voterId: string; rating: Ballot['rating']; role: Role; suspended: boolean; organization: string | null }>(
    tx,
    `SELECT v.claim_id AS "claimId", v.reviewer_id AS "voterId", v.rating, r.role,
            ${suspendedSql('v.reviewer_id')} AS suspended,
            (SELECT m.organization_id FROM memberships m JOIN organizations o ON o.id = m.organization_id
              WHERE m.reviewer_id = v.reviewer_id AND m.status = 'ACTIVE' AND o.verified) AS organization
       FROM votes v JOIN reviewers r ON r.id = v.reviewer_id
      WHERE v.claim_id = ANY($1::uuid[])`,
    [claimIds],
  );
  const byClaim = new Map<string, VoterBallot[]>();
  for (const { claimId, voterId, rating, role, suspended, organization } of rows) {
    let ballots = byClaim.get(claimId);
    if (!ballots) byClaim.set(claimId, (ballots = []));
    ballots.push({ voterId, rating, organization, counts: countsTowardVerdict({ role, suspended }) });
  }
  return byClaim;
}

/** The verdict of a new claim: UNVERIFIED, no votes, version 0. */
export function initialVerdict(at: Date, policy: ConsensusPolicy): StoredVerdict {
  return { ...computeVerdict([], policy), version: 0, updatedAt: at, publishedAt: null, publishedById: null, summary: null };
}
