import { Rating, VerdictStatus } from '../generated/schema-types';
import type { VerdictState } from './verdict';

/**
 * How each rating reads on schema.org's 1 (worst) to 5 (best) scale, and the words shown
 * beside it. UNVERIFIABLE sits at the neutral midpoint: it says nothing for or against the
 * claim, and its alternateName carries its meaning to search engines.
 *
 * | Rating        | ratingValue | alternateName |
 * |---------------|-------------|---------------|
 * | TRUE          | 5           | True          |
 * | MOSTLY_TRUE   | 4           | Mostly true   |
 * | MIXED         | 3           | Mixed         |
 * | UNVERIFIABLE  | 3           | Unverifiable  |
 * | MISLEADING    | 2           | Misleading    |
 * | MOSTLY_FALSE  | 2           | Mostly false  |
 * | FALSE         | 1           | False         |
 */
export const ClaimReviewRatings: Record<Rating, { ratingValue: number; alternateName: string }> = {
  [Rating.True]: { ratingValue: 5, alternateName: 'True' },
  [Rating.MostlyTrue]: { ratingValue: 4, alternateName: 'Mostly true' },
  [Rating.Mixed]: { ratingValue: 3, alternateName: 'Mixed' },
  [Rating.Unverifiable]: { ratingValue: 3, alternateName: 'Unverifiable' },
  [Rating.Misleading]: { ratingValue: 2, alternateName: 'Misleading' },
  [Rating.MostlyFalse]: { ratingValue: 2, alternateName: 'Mostly false' },
  [Rating.False]: { ratingValue: 1, alternateName: 'False' },
};

export interface ReviewedClaim {
  /** The claim's global ID, as in the public URL. */
  id: string;
  statement: string;
  sourceUrl: string | null;
  language: string | null;
  firstSeenAt: Date | null;
  createdAt: Date;
  verdict: VerdictState;
}

export interface Publisher {
  name: string;
  url: string;
  /** Where claims are published: a claim's page is `${baseUrl}/claims/${id}`. */
  baseUrl: string;
}

/** schema.org ClaimReview JSON-LD of a published verdict; null for any other status. */
export function toClaimReview(claim: ReviewedClaim, publisher: Publisher): Record<string, unknown> | null {
  const { verdict } = claim;
  if (verdict.status !== VerdictStatus.Published || !verdict.rating || !verdict.publishedAt) return null;
  const rating = ClaimReviewRatings[verdict.rating];
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: `${publisher.baseUrl}/claims/${claim.id}`,
    claimReviewed: claim.statement,
    datePublished: verdict.publishedAt.toISOString(),
    ...(claim.language ? { inLanguage: claim.language } : {}),
    ...(verdict.summary ? { reviewBody: verdict.summary } : {}),
    author: { '@type': 'Organization', name: publisher.name, url: publisher.url },
    reviewRating: {
      '@type': 'Rating',
      ratingValue: rating.ratingValue,
      bestRating: 5,
      worstRating: 1,
      alternateName: rating.alternateName,
    },
    itemReviewed: {
      '@type': 'Claim',
      datePublished: (claim.firstSeenAt ?? claim.createdAt).toISOString(),
      appearance: claim.sourceUrl ? [{ '@type': 'CreativeWork', url: claim.sourceUrl }] : [],
    },
  };
}
