import { Rating, VerdictStatus } from '../../src/generated/schema-types';
import { ClaimReviewRatings, toClaimReview, type Publisher, type ReviewedClaim } from '../../src/domain/claim-review';

const publisher: Publisher = { name: 'Verification Desk', url: 'https://desk.example.org', baseUrl: 'https://desk.example.org/public' };

const publishedAt = new Date('2025-03-02T09:30:00.000Z');
const firstSeenAt = new Date('2025-03-01T18:05:00.000Z');
const createdAt = new Date('2025-03-01T20:00:00.000Z');

function publishedClaim(change: Partial<ReviewedClaim> = {}, verdict: Partial<ReviewedClaim['verdict']> = {}): ReviewedClaim {
  return {
    id: 'Q2xhaW06YTNiYjE4OWU',
    statement: 'The dam upstream of the city has burst.',
    sourceUrl: 'https://social.example.com/post/123',
    language: 'en',
    firstSeenAt,
    createdAt,
    ...change,
    verdict: {
      status: VerdictStatus.Published,
      rating: Rating.False,
      agreement: 1,
      voteCount: 3,
      tally: [{ rating: Rating.False, votes: 3 }],
      organizationCount: 2,
      explanation: 'Published by an editor; votes are closed until it is reopened. It rests on: 3 of 3 votes, 100% FALSE, from 2 of 2 verified organisations.',
      version: 4,
      updatedAt: publishedAt,
      publishedAt,
      publishedById: 'editor-1',
      summary: 'Satellite images taken the same morning show the dam intact.',
      ...verdict,
    },
  };
}

describe('toClaimReview of a published verdict', () => {
  test('is a schema.org ClaimReview with every field search engines read', () => {
    expect(toClaimReview(publishedClaim(), publisher)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: 'https://desk.example.org/public/claims/Q2xhaW06YTNiYjE4OWU',
      claimReviewed: 'The dam upstream of the city has burst.',
      datePublished: '2025-03-02T09:30:00.000Z',
      inLanguage: 'en',
      reviewBody: 'Satellite images taken the same morning show the dam intact.',
      author: { '@type': 'Organization', name: 'Verification Desk', url: 'https://desk.example.org' },
      reviewRating: {
        '@type': 'Rating',
        ratingValue: 1,
        bestRating: 5,
        worstRating: 1,
        alternateName: 'False',
      },
      itemReviewed: {
        '@type': 'Claim',
        datePublished: '2025-03-01T18:05:00.000Z',
        appearance: [{ '@type': 'CreativeWork', url: 'https://social.example.com/post/123' }],
      },
    });
  });

  test('survives a JSON round trip unchanged, as it is served in a script tag', () => {
    const review = toClaimReview(publishedClaim(), publisher);

    expect(JSON.parse(JSON.stringify(review))).toEqual(review);
  });

  test('the claim dates from its creation when nobody recorded when it was first seen', () => {
    const review = toClaimReview(publishedClaim({ firstSeenAt: null }), publisher);

    expect(review?.itemReviewed).toMatchObject({ datePublished: '2025-03-01T20:00:00.000Z' });
  });

  test('a claim without a source URL has no appearance', () => {
    const review = toClaimReview(publishedClaim({ sourceUrl: null }), publisher);

    expect(review?.itemReviewed).toEqual({ '@type': 'Claim', datePublished: '2025-03-01T18:05:00.000Z', appearance: [] });
  });

  test('no language and no summary leave inLanguage and reviewBody out', () => {
    const review = toClaimReview(publishedClaim({ language: null }, { summary: null }), publisher);

    expect(review).not.toHaveProperty('inLanguage');
    expect(review).not.toHaveProperty('reviewBody');
    expect(review).toHaveProperty('reviewRating');
  });

  test.each(Object.values(Rating))('rating %s reads as its row in ClaimReviewRatings', (rating) => {
    const review = toClaimReview(publishedClaim({}, { rating }), publisher);

    expect(review?.reviewRating).toEqual({
      '@type': 'Rating',
      ratingValue: ClaimReviewRatings[rating].ratingValue,
      bestRating: 5,
      worstRating: 1,
      alternateName: ClaimReviewRatings[rating].alternateName,
    });
  });
});

describe('toClaimReview of anything not published', () => {
  test.each([VerdictStatus.Unverified, VerdictStatus.InReview, VerdictStatus.Contested, VerdictStatus.Consensus])(
    '%s gives null',
    (status) => {
      expect(toClaimReview(publishedClaim({}, { status, publishedAt: null }), publisher)).toBeNull();
    },
  );

  test('CONSENSUS gives null even with a rating and a stale publication date', () => {
    expect(toClaimReview(publishedClaim({}, { status: VerdictStatus.Consensus }), publisher)).toBeNull();
  });

  test('a published verdict without a rating gives null: ClaimReview needs one', () => {
    expect(toClaimReview(publishedClaim({}, { rating: null }), publisher)).toBeNull();
  });
});

describe('ClaimReviewRatings', () => {
  test.each<[Rating, number, string]>([
    [Rating.True, 5, 'True'],
    [Rating.MostlyTrue, 4, 'Mostly true'],
    [Rating.Mixed, 3, 'Mixed'],
    [Rating.Unverifiable, 3, 'Unverifiable'],
    [Rating.Misleading, 2, 'Misleading'],
    [Rating.MostlyFalse, 2, 'Mostly false'],
    [Rating.False, 1, 'False'],
  ])('%s is %d, "%s"', (rating, ratingValue, alternateName) => {
    expect(ClaimReviewRatings[rating]).toEqual({ ratingValue, alternateName });
  });

  test('every Rating has an integer value from 1 to 5 and a name', () => {
    for (const rating of Object.values(Rating)) {
      const { ratingValue, alternateName } = ClaimReviewRatings[rating];
      expect(Number.isInteger(ratingValue)).toBe(true);
      expect(ratingValue).toBeGreaterThanOrEqual(1);
      expect(ratingValue).toBeLessThanOrEqual(5);
      expect(alternateName.trim()).not.toBe('');
    }
    expect(Object.keys(ClaimReviewRatings).sort()).toEqual(Object.values(Rating).sort());
  });

  test('the scale never ranks a falser rating above a truer one', () => {
    const truestFirst = [Rating.True, Rating.MostlyTrue, Rating.Mixed, Rating.Misleading, Rating.MostlyFalse, Rating.False];
    const values = truestFirst.map((rating) => ClaimReviewRatings[rating].ratingValue);

    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values[0]).toBe(5);
    expect(values.at(-1)).toBe(1);
  });
});
