import { html as xml } from 'ghtml';
import type { ClaimPageEntry } from '../claim-pages';
import type { EventPage } from '../event-pages';
import { labelOf } from './claim-page';
import { paths, publicUrl, Site } from './site';

/** An Atom feed of an event's published verdicts, newest first (the event page's list). */
export function atomFeed(site: Site, { event, published }: EventPage): string {
  const updated = published[0]?.verdict.publishedAt ?? event.updatedAt;
  const entries = published.map((claim) => {
    const url = publicUrl(site, paths.claim(claim.id));
    const at = (claim.verdict.publishedAt ?? claim.verdict.updatedAt).toISOString();
    return xml`<entry>
<id>${url}</id>
<title>${labelOf(claim.verdict.rating)}: ${claim.statement}</title>
<link rel="alternate" type="text/html" href="${url}"/>
<published>${at}</published>
<updated>${at}</updated>
!${claim.verdict.summary ? xml`<summary type="text">${claim.verdict.summary}</summary>` : ''}
</entry>`;
  });
  return xml`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${publicUrl(site, paths.event(event.id))}</id>
<title>${event.title}: published verdicts</title>
<updated>${updated.toISOString()}</updated>
<author><name>${site.publisherName}</name><uri>${site.publisherUrl}</uri></author>
<link rel="self" type="application/atom+xml" href="${publicUrl(site, paths.feed(event.id))}"/>
<link rel="alternate" type="text/html" href="${publicUrl(site, paths.event(event.id))}"/>
!${entries}
</feed>
`;
}

/** Every claim page with the time it last changed. */
export function sitemap(site: Site, entries: ClaimPageEntry[]): string {
  const urls = entries.map(
    (entry) => xml`<url><loc>${publicUrl(site, paths.claim(entry.id))}</loc><lastmod>${entry.updatedAt.toISOString()}</lastmod></url>`,
  );
  return xml`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
!${urls.join('\n')}
</urlset>
`;
}
