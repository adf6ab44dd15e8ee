import type { Config } from '../config/config';
import { toClaimReview } from '../domain/claim-review';
import { encodeGlobalId } from '../domain/global-id';
import type { ClaimEntity } from '../entities/claim.entity';

/**
 * The claim's ClaimReview JSON-LD under this server's publisher, as the API's `claimReview`
 * field and the claim's public page both give it; null unless the verdict is published.
 */
export function claimReviewOf(config: Config, claim: ClaimEntity): Record<string, unknown> | null {
  return toClaimReview(
    { ...claim, id: encodeGlobalId('Claim', claim.id) },
    { name: config.publisherName, url: config.publisherUrl, baseUrl: config.publicBaseUrl },
  );
}
