import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { inReadSnapshot } from '../db/read-snapshot';
import { parseGlobalId } from '../domain/global-id';
import type { VerdictState } from '../domain/verdict';
import { ActivityEntity, LoggedVerdict } from '../entities/activity.entity';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { ActivityType, VerdictStatus } from '../generated/schema-types';
import { fromLoggedVerdict } from '../services/activity-log';
import { claimReviewOf } from '../services/claim-reviews';
import type { RequestContext } from '../services/request-context';

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
  return inReadSnapshot(ctx.app.dataSource, async (tx) => {
    const [entry] = await claimPageEntries(tx, parsed.id);
    if (!entry) return null;
    const claim = await tx.getRepository(ClaimEntity).findOneByOrFail({ id: entry.id });
    const event = await tx.getRepository(BreakingEventEntity).findOneOrFail({ where: { id: claim.eventId }, select: { id: true, title: true } });
    const evidence = await tx.getRepository(EvidenceEntity).find({ where: { claimId: claim.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const reopenReason = entry.withdrawn ? await reasonOfReopening(tx, claim, entry.withdrawn.at) : null;
    return { ...entry, claim, event, evidence, reopenReason, claimReview: entry.withdrawn ? null : claimReviewOf(ctx.app.config, claim) };
  });
}

/** Every claim that has a public page, for the sitemap. */
export function readClaimPageEntries(ctx: RequestContext): Promise<ClaimPageEntry[]> {
  return inReadSnapshot(ctx.app.dataSource, (tx) => claimPageEntries(tx));
}

/**
 * Claims with a page (all, or the one with `claimId`), each with the time its page last
 * changed: the verdict's (or, under review again, its withdrawal's) and the newest evidence's.
 */
async function claimPageEntries(tx: EntityManager, claimId?: string): Promise<ClaimPageEntry[]> {
  const query = tx
    .getRepository(ClaimEntity)
    .createQueryBuilder('c')
    .select('c.id', 'id')
    .addSelect('w.at', 'withdrawnAt')
    .addSelect('w.previous', 'withdrawn')
    .addSelect(
      `greatest(CASE WHEN c.verdict.status = :published THEN c.verdict.updatedAt ELSE w.at END,
                (SELECT max(e.created_at) FROM evidence e WHERE e.claim_id = c.id))`,
      'updatedAt',
    )
    .leftJoin(latestWithdrawals, 'w', 'w.claim_id = c.id AND w.event_id = c.eventId AND c.verdict.status <> :published')
    .where('(c.verdict.status = :published OR w.at IS NOT NULL)', { published: VerdictStatus.Published })
    .orderBy('c.id');
  if (claimId) query.andWhere('c.id = :claimId', { claimId });
  const rows = await query.getRawMany<{ id: string; updatedAt: Date; withdrawnAt: Date | null; withdrawn: LoggedVerdict | null }>();
  return rows.map(({ id, updatedAt, withdrawnAt, withdrawn }) => ({
    id,
    updatedAt,
    withdrawn: withdrawn && withdrawnAt ? { verdict: fromLoggedVerdict(withdrawn), at: withdrawnAt } : null,
  }));
}

/**
 * For each claim, in its event, the latest change that took a published verdict back (a
 * reopening), with the verdict it withdrew.
 */
function latestWithdrawals(qb: SelectQueryBuilder<ObjectLiteral>): SelectQueryBuilder<ObjectLiteral> {
  return qb
    .from(ActivityEntity, 'a')
    .select('a.claimId', 'claim_id')
    .addSelect('a.eventId', 'event_id')
    .addSelect('a.at', 'at')
    .addSelect('a.previous', 'previous')
    .distinctOn(['a.claimId', 'a.eventId'])
    .where('a.type = :verdictChanged', { verdictChanged: ActivityType.VerdictChanged })
    .andWhere(`a.previous->>'status' = :published`, { published: VerdictStatus.Published })
    .orderBy('a.claimId')
    .addOrderBy('a.eventId')
    .addOrderBy('a.position', 'DESC');
}

/** The reason the editor gave when reopening the claim, or its original, at `at` (a reopening is logged in one transaction, at one time). */
async function reasonOfReopening(tx: EntityManager, claim: ClaimEntity, at: Date): Promise<string | null> {
  const row = await tx
    .getRepository(ActivityEntity)
    .createQueryBuilder('a')
    .select(`a.detail->>'reason'`, 'reason')
    .where('a.eventId = :eventId AND a.type = :reopened AND a.at = :at AND a.claimId IN (:...claimIds)', {
      eventId: claim.eventId,
      reopened: ActivityType.ClaimReopened,
      at,
      claimIds: [claim.id, claim.duplicateOfId].filter(Boolean),
    })
    .orderBy('a.position', 'DESC')
    .limit(1)
    .getRawOne<{ reason: string | null }>();
  return row?.reason ?? null;
}
