import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { BreakingEventEntity } from '../../entities/breaking-event.entity';
import { ClaimEntity } from '../../entities/claim.entity';
import { ReviewerEntity } from '../../entities/reviewer.entity';
import type { StoredVerdict } from '../../entities/verdict.embedded';
import { VoteEntity } from '../../entities/vote.entity';
import { MembershipStatus, type Rating, type Role } from '../../generated/schema-types';
import { entityRows } from './entity-rows';
import { queryRows } from './rows';

/**
 * The statements of a vote, written by hand: each runs under the claim's row lock on every vote,
 * where a round trip or a statement built anew delays the claim's next voter. Their column lists come from the entities' metadata or are checked against it
 * (tests/e2e/hand-written-sql.test.ts). Services call them; nothing else writes these rows by hand.
 * The voter's standing (suspendedSql) is asked here, and so is the viewer's read that asks it.
 */

/**
 * SQL for "this reviewer holds a SUSPENDED membership", given the reviewer id's column or
 * parameter: the one way every reader of a reviewer's standing asks it (the viewer, the
 * ballots, Vote.counts).
 */
export function suspendedSql(reviewerId: string): string {
  return `EXISTS (SELECT 1 FROM memberships WHERE reviewer_id = ${reviewerId} AND status = '${MembershipStatus.Suspended}')`;
}

/** A reviewer with whether they hold a SUSPENDED membership (what a viewer is read as); null when gone. */
export async function reviewerWithStanding(dataSource: DataSource, reviewerId: string): Promise<{ reviewer: ReviewerEntity; suspended: boolean } | null> {
  const { entities, raw } = await dataSource
    .getRepository(ReviewerEntity)
    .createQueryBuilder('r')
    .addSelect(suspendedSql('r.id'), 'suspended')
    .where('r.id = :reviewerId', { reviewerId })
    .getRawAndEntities<{ suspended: boolean }>();
  return entities.length ? { reviewer: entities[0], suspended: raw[0].suspended === true } : null;
}

/** Locks the voter's row FOR SHARE: first of a vote's locks (claim-locks' lock order). */
export async function lockVoterRow(tx: EntityManager, reviewerId: string): Promise<void> {
  await queryRows(tx, 'SELECT 1 FROM reviewers WHERE id = $1 FOR SHARE', [reviewerId]);
}

/**
 * Locks a claim FOR UPDATE and its event FOR SHARE, the event first, in one statement: the
 * LATERAL join makes the event's row the outer one. Null when there is no such claim.
 */
export async function lockClaimAndEvent(tx: EntityManager, claimId: string): Promise<{ claim: ClaimEntity; event: BreakingEventEntity } | null> {
  const events = entityRows(tx.connection, BreakingEventEntity);
  const claims = entityRows(tx.connection, ClaimEntity);
  const rows = await queryRows<ObjectLiteral>(
    tx,
    `SELECT ${events.columns('e', { prefix: 'event' })}, ${claims.columns('c', { prefix: 'claim' })}
       FROM (SELECT * FROM "${events.table}" WHERE id = (SELECT event_id FROM "${claims.table}" WHERE id = $1) FOR SHARE) e
      CROSS JOIN LATERAL (SELECT * FROM "${claims.table}" WHERE id = $1 AND event_id = e.id FOR UPDATE) c`,
    [claimId],
  );
  if (rows.length === 0) return null;
  return { claim: claims.hydrate(rows, 'claim')[0], event: events.hydrate(rows, 'event')[0] };
}

/** The columns upsertVote writes: every column of VoteEntity but its generated id. */
export const voteInsertColumns = ['claim_id', 'reviewer_id', 'rating', 'rationale', 'created_at', 'updated_at'] as const;

/** What a replacement vote overwrites: every written column but the vote's key and when it was first cast. */
const voteReplaced = voteInsertColumns
  .filter((column) => !['claim_id', 'reviewer_id', 'created_at'].includes(column))
  .map((column) => `${column} = excluded.${column}`)
  .join(', ');

/** A reviewer's vote on a claim as upsertVote writes it. */
interface VoteWrite {
  claimId: string;
  reviewerId: string;
  rating: Rating;
  rationale: string | null;
  at: Date;
}

/** Writes the reviewer's vote on the claim, the first or a replacement, and drops the old vote's evidence links. */
export async function upsertVote(tx: EntityManager, vote: VoteWrite): Promise<VoteEntity> {
  const votes = entityRows(tx.connection, VoteEntity);
  const rows = await queryRows<ObjectLiteral>(
    tx,
    `WITH vote AS (
       INSERT INTO "${votes.table}" AS v (${voteInsertColumns.join(', ')})
       VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (claim_id, reviewer_id)
       DO UPDATE SET ${voteReplaced}
       RETURNING ${votes.columns('v')}
     ), unlinked AS (
       DELETE FROM vote_evidence WHERE vote_id IN (SELECT "id" FROM vote)
     )
     SELECT * FROM vote`,
    [vote.claimId, vote.reviewerId, vote.rating, vote.rationale, vote.at],
  );
  return votes.hydrate(rows)[0];
}

/**
 * Stores locked claims' new verdicts and locks their duplicates FOR UPDATE, in id order (after
 * the claims themselves, as claim-locks orders them); returns the duplicates. Its verdict
 * columns are StoredVerdict's (verdictRecord).
 */
export async function storeVerdicts(tx: EntityManager, stored: readonly { claimId: string; verdict: StoredVerdict }[]): Promise<ClaimEntity[]> {
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
    [JSON.stringify(stored.map(({ claimId, verdict }) => ({ id: claimId, ...verdict }))), stored.map(({ claimId }) => claimId)],
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

/** A stored vote with what decides whether it counts: its voter's role and standing, and the verified organisation they vote for. */
export interface BallotRow {
  claimId: string;
  voterId: string;
  rating: Rating;
  role: Role;
  suspended: boolean;
  organization: string | null;
}

/**
 * The votes of claims with their voters' standing, read inside the transaction: the one place
 * that reads who may vote (the voter's role, any SUSPENDED membership) and for which verified
 * organisation (an ACTIVE membership of a verified organisation).
 */
export async function ballotRows(tx: EntityManager, claimIds: readonly string[]): Promise<BallotRow[]> {
  return queryRows<BallotRow>(
    tx,
    `SELECT v.claim_id AS "claimId", v.reviewer_id AS "voterId", v.rating, r.role,
            ${suspendedSql('v.reviewer_id')} AS suspended,
            (SELECT m.organization_id FROM memberships m JOIN organizations o ON o.id = m.organization_id
              WHERE m.reviewer_id = v.reviewer_id AND m.status = '${MembershipStatus.Active}' AND o.verified) AS organization
       FROM votes v JOIN reviewers r ON r.id = v.reviewer_id
      WHERE v.claim_id = ANY($1::uuid[])`,
    [claimIds],
  );
}
