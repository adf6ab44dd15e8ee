import type { EntityManager } from 'typeorm';
import { queryRows } from '../db/statements/rows';
import { selectEntities } from '../db/statements/entity-rows';
import { parseGlobalId } from '../domain/global-id';
import type { VerdictState } from '../domain/verdict';
import type { LoggedVerdict } from '../entities/activity.entity';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { fromLoggedVerdict } from '../services/activity-log';
import { claimReviewOf } from '../services/claim-reviews';
import type { RequestContext } from '../services/request-context';
import { readSnapshot } from './snapshot';

/** A claim that has a public page: published now, or published once and reopened since. */
export interface ClaimPageEntry {
  /** The claim's database id. */
  id: string;
  /** When anything the page shows last changed: the sitemap's lastmod. */
  updatedAt: Date;
  /** The verdict withdrawn by the latest reopening, while the claim is under review again; null while published. */
  withdrawn: { verdict: VerdictState; at: Date } | null;
}

/** What a claim's public page shows. */
export interface ClaimPage extends ClaimPageEntry {
  claim: ClaimEntity;
  event: Pick<BreakingEventEntity, 'id' | 'title'>;
  evidence: EvidenceEntity[];
  /** The same ClaimReview as the API's `claimReview`; null while the claim is under review again. */
  claimReview: Record<string, unknown> | null;
  /** The editor's public reason for the reopening that withdrew the verdict, when there is one. */
  reopenReason: string | null;
}

/**
 * The claim's public page, or null for a claim that has none (unknown, malformed id, or never
 * published). A duplicate's page is its own: its verdict is its original's.
 */
export async function readClaimPage(ctx: RequestContext, globalId: string): Promise<ClaimPage | null> {
  const parsed = parseGlobalId(globalId);
  if (parsed?.type !== 'Claim') return null;
  return readSnapshot(ctx, async (tx) => {
    const [entry] = await claimPageEntries(tx, parsed.id);
    if (!entry) return null;
    const [claim] = await selectEntities(tx, ClaimEntity, 'WHERE x.id = $1', [entry.id]);
    const [event] = await selectEntities(tx, BreakingEventEntity, 'WHERE x.id = $1', [claim.eventId], ['id', 'title']);
    const evidence = await selectEntities(tx, EvidenceEntity, 'WHERE x.claim_id = $1 ORDER BY x.created_at, x.id', [claim.id]);
    const reopenReason = entry.withdrawn ? await reasonOfReopening(tx, claim, entry.withdrawn.at) : null;
    return { ...entry, claim, event, evidence, reopenReason, claimReview: entry.withdrawn ? null : claimReviewOf(ctx.app.config, claim) };
  });
}

/** Every claim that has a public page, for the sitemap. */
export function readClaimPageEntries(ctx: RequestContext): Promise<ClaimPageEntry[]> {
  return readSnapshot(ctx, (tx) => claimPageEntries(tx));
}

/**
 * Claims with a page (all, or the one with `claimId`), each with the time its page last
 * changed: the verdict's (or, under review again, its withdrawal's) and the newest evidence's.
 */
async function claimPageEntries(tx: EntityManager, claimId?: string): Promise<ClaimPageEntry[]> {
  const rows = await queryRows<{ id: string; updatedAt: Date; withdrawnAt: Date | null; withdrawn: LoggedVerdict | null }>(
    tx,
    `SELECT c.id, w.at AS "withdrawnAt", w.previous AS "withdrawn",
            greatest(CASE WHEN c.verdict_status = 'PUBLISHED' THEN c.verdict_updated_at ELSE w.at END,
                     (SELECT max(e.created_at) FROM evidence e WHERE e.claim_id = c.id)) AS "updatedAt"
       FROM claims c
       LEFT JOIN LATERAL (
            SELECT a.at, a.previous FROM activity a
             WHERE a.claim_id = c.id AND a.event_id = c.event_id AND a.type = 'VERDICT_CHANGED'
               AND a.previous->>'status' = 'PUBLISHED'
             ORDER BY a.position DESC LIMIT 1
       ) w ON c.verdict_status <> 'PUBLISHED'
      WHERE (c.verdict_status = 'PUBLISHED' OR w.at IS NOT NULL) ${claimId ? 'AND c.id = $1' : ''}
      ORDER BY c.id`,
    claimId ? [claimId] : [],
  );
  return rows.map(({ id, updatedAt, withdrawnAt, withdrawn }) => ({
    id,
    updatedAt,
    withdrawn: withdrawn && withdrawnAt ? { verdict: fromLoggedVerdict(withdrawn), at: withdrawnAt } : null,
  }));
}

/** The reason the editor gave when reopening the claim, or its original, at `at` (a reopening is logged in one transaction, at one time). */
async function reasonOfReopening(tx: EntityManager, claim: ClaimEntity, at: Date): Promise<string | null> {
  const [row] = await queryRows<{ reason: string | null }>(
    tx,
    `SELECT a.detail->>'reason' AS reason FROM activity a
      WHERE a.event_id = $1 AND a.type = 'CLAIM_REOPENED' AND a.at = $2 AND a.claim_id = ANY($3::uuid[])
      ORDER BY a.position DESC LIMIT 1`,
    [claim.eventId, at, [claim.id, claim.duplicateOfId].filter(Boolean)],
  );
  return row?.reason ?? null;
}
