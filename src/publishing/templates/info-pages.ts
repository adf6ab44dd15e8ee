import { html } from 'ghtml';
import { ClaimReviewRatings } from '../../domain/claim-review';
import { Rating } from '../../generated/schema-types';
import { layout } from './layout';
import { paths, Site } from './site';

const meanings: Record<Rating, string> = {
  [Rating.True]: 'The claim is accurate, and nothing significant is missing.',
  [Rating.MostlyTrue]: 'The claim is accurate but needs clarification or additional information.',
  [Rating.Mixed]: 'The claim is partly accurate and partly not.',
  [Rating.Unverifiable]: 'The evidence available does not show whether the claim is true or false.',
  [Rating.Misleading]: 'The claim uses facts, images or quotations out of context to give a false impression.',
  [Rating.MostlyFalse]: 'The claim contains an element of truth but leaves out facts that would give a different impression.',
  [Rating.False]: 'The claim is not accurate.',
};

/** The ratings a verdict can give, with the words and values its ClaimReview markup uses. */
export function ratingScalePage(site: Site): string {
  const rows = Object.values(Rating).map((rating) => {
    const { alternateName, ratingValue } = ClaimReviewRatings[rating];
    return html`<tr><th scope="row">${alternateName}</th><td>${ratingValue} of 5</td><td>${meanings[rating]}</td></tr>`;
  });
  const main = html`<h1>How we rate claims</h1>
<p>Each claim is rated by reviewers from several newsrooms; an editor publishes a verdict once enough of them agree.
The label on a verdict is one of these, and search engines read it with the value beside it (5 is best, 1 worst).</p>
<table><thead><tr><th scope="col">Label</th><th scope="col">Value</th><th scope="col">Meaning</th></tr></thead>
<tbody>!${rows}</tbody></table>
<p>See also <a href="${paths.corrections}">how to report an error</a>.</p>`;
  return layout(site, { title: 'How we rate claims', canonicalPath: paths.ratingScale, main });
}

/** How readers report an error, and what happens to a verdict that is corrected. */
export function correctionsPage(site: Site): string {
  const main = html`<h1>How to report an error</h1>
<p>If you think a verdict is wrong, or you have evidence we did not consider, write to
<a href="${site.publisherUrl}">${site.publisherName}</a> with the address of the verdict's page and what you found.</p>
<p>When an editor reopens a verdict, its page stays at the same address and says that the claim is under review again;
the withdrawn verdict is shown struck through until a new one is published.</p>
<p>See also <a href="${paths.ratingScale}">how we rate claims</a>.</p>`;
  return layout(site, { title: 'How to report an error', canonicalPath: paths.corrections, main });
}

/** What a reader sees for an address with no public page. */
export function notFoundPage(site: Site): string {
  const main = html`<h1>Page not found</h1>
<p>There is no published verdict at this address. Verdicts appear here once an editor publishes them.</p>
<p><a href="${paths.front}">See the published verdicts</a>.</p>`;
  return layout(site, { title: 'Page not found', main });
}
