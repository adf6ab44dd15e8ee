import { html } from 'ghtml';
import { paths, publicUrl, Site } from './site';
import { stylesheetPath } from './stylesheet';
import { jsonForScript } from './format';

interface PageParts {
  title: string;
  /** The language of the page's content (a claim's language); the site's own words are English. */
  lang?: string | null;
  /** The page's path; its absolute URL under PUBLIC_BASE_URL is the canonical link. */
  canonicalPath?: string;
  /** The page's one JSON-LD object, if it has one. */
  jsonLd?: Record<string, unknown> | null;
  /** Extra elements for the head, already rendered. */
  head?: string;
  /** The main content, already rendered. */
  main: string;
}

/** A whole public page: readable without JavaScript, styled by the one served stylesheet. */
export function layout(site: Site, parts: PageParts): string {
  const canonical = parts.canonicalPath === undefined ? '' : html`<link rel="canonical" href="${publicUrl(site, parts.canonicalPath)}">`;
  const jsonLd = parts.jsonLd ? html`<script type="application/ld+json">!${jsonForScript(parts.jsonLd)}</script>` : '';
  return html`<!doctype html>
<html lang="${parts.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${parts.title}</title>
<link rel="stylesheet" href="${stylesheetPath}">
!${canonical}
!${parts.head ?? ''}
!${jsonLd}
</head>
<body>
<header lang="en"><a href="${paths.front}">${site.publisherName}</a>: verified claims</header>
<main>
!${parts.main}
</main>
<footer lang="en">
<p>Published by <a href="${site.publisherUrl}">${site.publisherName}</a>.
<a href="${paths.ratingScale}">How we rate claims</a> · <a href="${paths.corrections}">Report an error</a></p>
</footer>
</body>
</html>
`;
}
