import { HTMLElement, parse } from 'node-html-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** A public page as an anonymous reader (or a search engine) gets it. */
export interface FetchedPage {
  status: number;
  headers: Headers;
  body: string;
  document: HTMLElement;
}

/** GET (or HEAD) a path of the server, anonymously, without following redirects. */
export async function fetchPage(serverUrl: string, path: string, init: RequestInit = {}): Promise<FetchedPage> {
  const response = await fetch(new URL(path, serverUrl), { redirect: 'manual', ...init });
  const body = await response.text();
  return { status: response.status, headers: response.headers, body, document: parse(body) };
}

/** The path of an absolute public URL (PUBLIC_BASE_URL is not the test server's origin). */
export function pathOf(url: string): string {
  return new URL(url).pathname;
}

/** Rules every public page keeps, whatever it shows. */
export function checkPublicPage(page: FetchedPage, { forbidden = [] as string[] } = {}): void {
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain('unsafe-inline');
  expect(csp).not.toMatch(/script-src/);
  expect(page.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
  expect(page.document.querySelector('html')?.getAttribute('lang')).toBeTruthy();
  // No script runs: the only script element a page may have is its JSON-LD data block.
  for (const script of page.document.querySelectorAll('script')) expect(script.getAttribute('type')).toBe('application/ld+json');
  expect(page.document.querySelectorAll('[style]')).toHaveLength(0);
  expect(page.document.querySelectorAll('style')).toHaveLength(0);
  const robots = page.document.querySelectorAll('meta[name="robots"]').map((meta) => meta.getAttribute('content') ?? '');
  expect(robots.join(' ')).not.toMatch(/noindex/i);
  for (const text of forbidden) expect(page.body).not.toContain(text);
}

/** The JSON-LD objects of the page's data blocks. */
export function jsonLdOf(page: FetchedPage): Record<string, any>[] {
  return page.document.querySelectorAll('script[type="application/ld+json"]').map((script) => JSON.parse(script.rawText));
}

/**
 * A published claim's page against the rules search engines read it by: exactly one
 * ClaimReview, equal to the API's; the canonical link equal to its url; the visible label
 * equal to its alternateName; the claim's text equal to claimReviewed; `lang` the claim's language.
 */
export function checkClaimReviewPage(page: FetchedPage, claimReview: Record<string, any>, language: string | null): void {
  expect(page.status).toBe(200);
  const [markup, ...more] = jsonLdOf(page);
  expect(more).toHaveLength(0);
  expect(markup).toEqual(claimReview);
  expect(markup['@type']).toBe('ClaimReview');
  const canonical = page.document.querySelectorAll('link[rel="canonical"]');
  expect(canonical).toHaveLength(1);
  expect(canonical[0].getAttribute('href')).toBe(markup.url);
  expect(visibleText(page, '.verdict-label')).toBe(markup.reviewRating.alternateName);
  expect(visibleText(page, 'h1.claim')).toBe(markup.claimReviewed);
  expect(page.document.querySelector('html')?.getAttribute('lang')).toBe(language ?? 'en');
}

/** The decoded text of the one element the selector finds. */
export function visibleText(page: FetchedPage, selector: string): string {
  const found = page.document.querySelectorAll(selector);
  expect(found).toHaveLength(1);
  return found[0].text.trim();
}

/** An XML document (a feed, a sitemap), after checking it is well-formed. */
export function parseXml(body: string): any {
  expect(XMLValidator.validate(body)).toBe(true);
  return new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', htmlEntities: true, isArray: (name) => ['entry', 'url', 'link'].includes(name) }).parse(body);
}
