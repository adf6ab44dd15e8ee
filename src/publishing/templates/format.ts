import { html } from 'ghtml';

const readable = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });

/** A date for people, with the exact time for machines. */
export function time(date: Date): string {
  return html`<time datetime="${date.toISOString()}">${readable.format(date)} UTC</time>`;
}

/** A link out of the site, to a page the desk does not vouch for. */
export function outboundLink(url: string, text: string = url): string {
  return html`<a href="${url}" rel="nofollow noopener noreferrer external">${text}</a>`;
}

/**
 * JSON for a `<script type="application/ld+json">` data block: every `<` as \u003c, so that no
 * text in it (a claim reading `</script>`) can end the block or open a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
