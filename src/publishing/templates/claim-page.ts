import { html } from 'ghtml';
import { ClaimReviewRatings } from '../../domain/claim-review';
import type { VerdictState } from '../../domain/verdict';
import type { EvidenceEntity } from '../../entities/evidence.entity';
import { Stance } from '../../generated/schema-types';
import type { ClaimPage } from '../claim-pages';
import { outboundLink, time } from './format';
import { layout } from './layout';
import { paths, Site } from './site';

const stanceWords: Record<Stance, string> = {
  [Stance.Supports]: 'Supports the claim',
  [Stance.Refutes]: 'Refutes the claim',
  [Stance.Context]: 'Context',
};

/**
 * A claim's public page. Published: the verdict with its ClaimReview markup. Under review again:
 * a notice, the withdrawn verdict struck through, and no markup until it is published again.
 */
export function claimPage(site: Site, page: ClaimPage): string {
  const { claim } = page;
  const verdict = page.withdrawn ? withdrawnVerdict(page, page.withdrawn.verdict, page.withdrawn.at) : publishedVerdict(site, page);
  const label = page.withdrawn ? 'Under review' : labelOf(page.claim.verdict.rating);
  const main = html`<article>
<p class="kicker" lang="en">Fact check · <a href="${paths.event(page.event.id)}">${page.event.title}</a></p>
<h1 class="claim">${claim.statement}</h1>
!${claim.context ? html`<p class="context">${claim.context}</p>` : ''}
<p class="meta" lang="en">!${circulation(page)}</p>
!${verdict}
<section class="evidence">
<h2 lang="en">Evidence</h2>
!${page.evidence.length ? html`<ul>!${page.evidence.map(evidenceItem)}</ul>` : html`<p lang="en">No evidence was recorded.</p>`}
</section>
<p class="meta" lang="en"><a href="${paths.ratingScale}">How we rate claims</a> · <a href="${paths.corrections}">How to report an error</a></p>
</article>`;
  return layout(site, {
    title: `${label}: ${claim.statement}`,
    lang: claim.language,
    canonicalPath: paths.claim(claim.id),
    jsonLd: page.claimReview,
    main,
  });
}

function circulation({ claim }: ClaimPage): string {
  const source = claim.sourceUrl ? html`Source: !${outboundLink(claim.sourceUrl)}. ` : 'No source link was recorded. ';
  const seen = claim.firstSeenAt ? html`First seen !${time(claim.firstSeenAt)}.` : html`Submitted !${time(claim.createdAt)}.`;
  return source + seen;
}

function publishedVerdict(site: Site, page: ClaimPage): string {
  const { claim } = page;
  return html`<section class="verdict">
<h2 lang="en">Verdict</h2>
<p class="verdict-label" lang="en">${labelOf(claim.verdict.rating)}</p>
!${claim.verdict.summary ? html`<p class="summary">${claim.verdict.summary}</p>` : ''}
<p class="meta" lang="en">Published by <a href="${site.publisherUrl}">${site.publisherName}</a>
!${claim.verdict.publishedAt ? html`on !${time(claim.verdict.publishedAt)}` : ''}; updated !${time(page.updatedAt)}.</p>
</section>`;
}

function withdrawnVerdict(page: ClaimPage, withdrawn: VerdictState, at: Date): string {
  return html`<section class="verdict withdrawn">
<h2 lang="en">Verdict</h2>
<p class="notice" role="note" lang="en"><strong>Under review again.</strong> This verdict was withdrawn on !${time(at)}
and the claim is being reviewed again.!${page.reopenReason ? html` Reason: <span lang="">${page.reopenReason}</span>` : ''}</p>
<p lang="en">Withdrawn verdict: <del class="withdrawn-label">${labelOf(withdrawn.rating)}</del></p>
!${withdrawn.summary ? html`<p><del>${withdrawn.summary}</del></p>` : ''}
!${withdrawn.publishedAt ? html`<p class="meta" lang="en">Published !${time(withdrawn.publishedAt)}; withdrawn !${time(at)}.</p>` : ''}
</section>`;
}

function evidenceItem(evidence: EvidenceEntity): string {
  const title = evidence.title ?? evidence.url ?? 'Untitled';
  return html`<li><span class="stance" lang="en">${stanceWords[evidence.stance]}:</span>
!${evidence.url ? outboundLink(evidence.url, title) : html`<span>${title}</span>`}
!${evidence.excerpt ? html`<blockquote>${evidence.excerpt}</blockquote>` : ''}</li>`;
}

/** The rating's label, the same words as ClaimReview's alternateName. */
export function labelOf(rating: VerdictState['rating']): string {
  return rating ? ClaimReviewRatings[rating].alternateName : 'No rating';
}
