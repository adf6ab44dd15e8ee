import { ClaimEntity } from '../entities/claim.entity';
import { badInput } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Limits, parseInput, text } from '../domain/input-rules';
import type { RequestContext } from './request-context';

export interface ClaimMatchModel {
  claim: ClaimEntity;
  /** Trigram similarity from 0 to 1. */
  score: number;
}

const maxMatches = 50;

/** Query.similarClaims: the event, if any, named by its global ID. */
export function findSimilarClaims(
  ctx: RequestContext,
  args: { text: string; eventId?: string | null; first?: number | null },
): Promise<ClaimMatchModel[]> {
  const eventId = args.eventId ? decodeGlobalId(args.eventId, 'Event') : null;
  return similarClaims(ctx, { ...args, eventId });
}

/**
 * Claims whose statements read like the text, by pg_trgm trigram similarity (the `%` operator,
 * served by the trigram index), best first. Scoped to one event when eventId is given.
 */
export async function similarClaims(
  ctx: RequestContext,
  args: { text: string; eventId?: string | null; first?: number | null; excludeId?: string },
): Promise<ClaimMatchModel[]> {
  const first = args.first ?? 5;
  if (!Number.isInteger(first) || first < 0 || first > maxMatches) {
    throw badInput(`first must be from 0 to ${maxMatches}`, 'first');
  }
  const searchText = parseInput(text(Limits.statement), args.text);
  const query = ctx.app.dataSource
    .getRepository(ClaimEntity)
    .createQueryBuilder('c')
    .addSelect('similarity(c.statement, :text)', 'score')
    .where('c.statement % :text', { text: searchText })
    .orderBy('score', 'DESC')
    .addOrderBy('c.id', 'ASC')
    .limit(first);
  if (args.eventId) query.andWhere('c.event_id = :eventId', { eventId: args.eventId });
  if (args.excludeId) query.andWhere('c.id <> :excludeId', { excludeId: args.excludeId });
  const { entities, raw } = await query.getRawAndEntities<{ score: number }>();
  return entities.map((claim, i) => ({ claim, score: Number(raw[i].score) }));
}
