import type { Config } from '../../config/config';
import { encodeGlobalId } from '../../domain/global-id';

/** Who publishes the pages and where they live. */
export interface Site {
  publisherName: string;
  publisherUrl: string;
  /** PUBLIC_BASE_URL without a trailing slash. */
  baseUrl: string;
}

export function siteOf(config: Config): Site {
  return { publisherName: config.publisherName, publisherUrl: config.publisherUrl, baseUrl: config.publicBaseUrl };
}

/** The public pages' paths, as links on the pages use them (on the server's own origin). */
export const paths = {
  front: '/',
  claim: (claimId: string) => `/claims/${encodeGlobalId('Claim', claimId)}`,
  event: (eventId: string) => `/events/${encodeGlobalId('Event', eventId)}`,
  feed: (eventId: string) => `/events/${encodeGlobalId('Event', eventId)}/feed.xml`,
  ratingScale: '/rating-scale',
  corrections: '/corrections',
  sitemap: '/sitemap.xml',
};

/** A path as an absolute URL under PUBLIC_BASE_URL: what canonical links, feeds and the sitemap give. */
export function publicUrl(site: Site, path: string): string {
  return `${site.baseUrl}${path}`;
}
