import type { Rating, VerdictStatus } from '../../generated/schema-types';
import { matchSearch } from './claim-search';
import { listFilter, type ListFilter } from './list-page';

/*
 * The claims list's filters: conditions of list-page's statement, built here so that no service
 * writes SQL.
 */

/** What a list of claims is narrowed to; every criterion given must hold. */
interface ClaimCriteria {
  eventId: string | null;
  statuses?: readonly VerdictStatus[] | null;
  ratings?: readonly Rating[] | null;
  /** Ranked: what the search says word for word first, then what it resembles (claim-search.ts). */
  search?: string | null;
}

export function claimsFilter({ eventId, statuses, ratings, search }: ClaimCriteria): ListFilter {
  const filter = listFilter();
  const { conditions, param } = filter;
  if (eventId) conditions.push(`x.event_id = ${param(eventId)}`);
  if (statuses?.length) conditions.push(`x.verdict_status = ANY(${param(statuses)}::text[])`);
  if (ratings?.length) conditions.push(`x.verdict_rating = ANY(${param(ratings)}::text[])`);
  if (search) matchSearch(filter, search);
  return filter;
}
