import { html } from 'ghtml';
import type { PublishingEvent } from '../event-pages';
import { time } from './format';
import { layout } from './layout';
import { paths, Site } from './site';

/** The events with published verdicts, the most recently published first. */
export function frontPage(site: Site, events: PublishingEvent[]): string {
  const main = html`<h1>Verified claims by ${site.publisherName}</h1>
!${events.length ? html`<ul class="events">!${events.map(eventItem)}</ul>` : html`<p>No verdict has been published yet.</p>`}`;
  return layout(site, { title: `${site.publisherName}: verified claims`, canonicalPath: paths.front, main });
}

function eventItem(event: PublishingEvent): string {
  const count = event.verdicts === 1 ? '1 published verdict' : `${event.verdicts} published verdicts`;
  return html`<li><a href="${paths.event(event.id)}">${event.title}</a>
<span class="meta">!${event.region ? html`${event.region} · ` : ''}${count}, the latest !${time(event.latestPublishedAt)}</span></li>`;
}
