import { html } from 'ghtml';
import type { ClaimEntity } from '../../entities/claim.entity';
import type { EventPage } from '../event-pages';
import { labelOf } from './claim-page';
import { time } from './format';
import { layout } from './layout';
import { paths, Site } from './site';

/** An event and its published verdicts, newest first; each links to its claim's page, which alone carries the ClaimReview. */
export function eventPage(site: Site, { event, published }: EventPage): string {
  const main = html`<h1>${event.title}</h1>
<p class="meta">!${event.region ? html`${event.region} · ` : ''}since !${time(event.startedAt)}</p>
!${event.description ? html`<p>${event.description}</p>` : ''}
<h2>Published verdicts</h2>
!${published.length ? html`<ol class="verdicts">!${published.map(verdictItem)}</ol>` : html`<p>No verdict has been published yet.</p>`}
<p class="meta"><a href="${paths.feed(event.id)}">Atom feed of these verdicts</a></p>`;
  return layout(site, {
    title: `${event.title}: published verdicts`,
    canonicalPath: paths.event(event.id),
    head: html`<link rel="alternate" type="application/atom+xml" title="${event.title}" href="${paths.feed(event.id)}">`,
    main,
  });
}

function verdictItem(claim: ClaimEntity): string {
  return html`<li><article>
<p class="verdict-label">${labelOf(claim.verdict.rating)}</p>
<p><a href="${paths.claim(claim.id)}" lang="${claim.language ?? ''}">${claim.statement}</a></p>
!${claim.verdict.publishedAt ? html`<p class="meta">Published !${time(claim.verdict.publishedAt)}</p>` : ''}
</article></li>`;
}
