import { useEffect, useMemo } from 'preact/hooks';
import { useRead } from '../api';
import { t, time } from '../i18n';
import { claimCursor, followActivity } from '../live';
import { lastSent } from '../outbox';
import { deskUrl } from '../router';
import { isEditor, session } from '../session';
import { useValue } from '../value';
import { AddEvidence, EditorActions, VoteButtons } from './claim-actions';
import { OutboxList } from './outbox-list';
import { Link, ratingLabel, ReadState, SavedCopy, StatusWord } from './parts';

export interface Detail {
  id: string;
  statement: string;
  context: string | null;
  sourceUrl: string | null;
  firstSeenAt: string | null;
  createdAt: string;
  duplicateOf: { id: string } | null;
  event: { id: string; title: string };
  submittedBy: { displayName: string } | null;
  verdict: { status: string; rating: string | null; agreement: number; voteCount: number; summary: string | null; publishedAt: string | null };
  evidence: { edges: { node: { id: string; stance: string; url: string | null; title: string | null; excerpt: string | null; submittedBy: { displayName: string } | null } }[] };
  votes: { edges: { node: { id: string; rating: string; rationale: string | null; reviewer: { displayName: string; organization: string | null } | null } }[] };
  viewerVote: { rating: string } | null;
  history: { edges: { node: { cursor: string; at: string; previous: { status: string; rating: string | null }; verdict: { status: string; rating: string | null } } }[] };
}

export function ClaimPage({ claimId }: { claimId: string }) {
  // Both reads start after one read of where to follow the claim's event from.
  const start = useMemo(() => once(() => claimCursor(claimId)), [claimId]);
  const detail = useRead<{ claim: Detail | null }>('ClaimDetail', { id: claimId }, start);
  const trust = useRead<{ claim: { verdict: { organizationCount: number; explanation: string } } | null }>('ClaimTrust', { id: claimId }, start);
  const viewer = useValue(session)!.viewer;
  const claim = detail.data?.claim;
  const eventId = claim?.event.id;
  const after = detail.after ?? null;

  const reload = () => {
    void detail.reload();
    void trust.reload();
  };
  // Every entry about the claim reads it again, so the page never relies on an entry coming once.
  useEffect(() => {
    if (!eventId) return;
    return followActivity(eventId, after, (entry) => {
      if (entry.claim?.id === claimId || entry.type === 'EVENT_CLOSED') reload();
    });
  }, [eventId, claimId, after]);
  useEffect(() => lastSent.subscribe((sent) => sent?.item.claimId === claimId && reload()), [claimId]);

  if (!detail.data) return <ReadState {...detail} />;
  if (!claim) return <p role="alert">{t('notFound')}</p>;
  const { verdict } = claim;
  const explanation = trust.data?.claim?.verdict;
  return (
    <article class="claim" aria-labelledby="claim-statement">
      <p>
        <Link href={deskUrl.board(claim.event.id)}>← {claim.event.title}</Link>
      </p>
      <h1 id="claim-statement">{claim.statement}</h1>
      <SavedCopy savedAt={detail.savedAt} />
      {claim.context && <p>{claim.context}</p>}
      <p class="muted">
        {claim.sourceUrl && (
          <a href={claim.sourceUrl} rel="noopener noreferrer nofollow" target="_blank">
            {claim.sourceUrl}
          </a>
        )}{' '}
        {time(claim.firstSeenAt ?? claim.createdAt)} {claim.submittedBy && `· ${claim.submittedBy.displayName}`}
      </p>
      <p class="verdict">
        <StatusWord status={verdict.status} /> <strong>{ratingLabel(verdict.rating)}</strong> ·{' '}
        {t('agreement', { n: Math.round(verdict.agreement * 100) })} · {t('votes', { n: verdict.voteCount })}
        {explanation && ` · ${t('organizations', { n: explanation.organizationCount })}`}
      </p>
      {verdict.summary && (
        <p>
          {t('summary')}: {verdict.summary}
        </p>
      )}
      {explanation && (
        <section>
          <h2>{t('explanation')}</h2>
          <p>{explanation.explanation}</p>
        </section>
      )}
      {claim.duplicateOf && (
        <p class="notice">
          <Link href={deskUrl.claim(claim.duplicateOf.id)}>{t('duplicateNote')}</Link>
        </p>
      )}
      <OutboxList filter={(item) => item.claimId === claimId} />
      <VoteButtons claim={claim} viewer={viewer} />
      {isEditor(viewer) && <EditorActions claim={claim} />}
      <section>
        <h2>{t('evidence')}</h2>
        {claim.evidence.edges.length === 0 && <p>{t('noEvidence')}</p>}
        <ul>
          {claim.evidence.edges.map(({ node }) => (
            <li key={node.id}>
              <strong>{t(node.stance as 'SUPPORTS')}</strong>{' '}
              {node.url ? (
                <a href={node.url} rel="noopener noreferrer nofollow" target="_blank">
                  {node.title ?? node.url}
                </a>
              ) : (
                node.title
              )}
              {node.excerpt && <blockquote>{node.excerpt}</blockquote>}
            </li>
          ))}
        </ul>
        <AddEvidence claim={claim} viewer={viewer} />
      </section>
      <section>
        <h2>{t('allVotes')}</h2>
        {claim.votes.edges.length === 0 && <p>{t('noVotes')}</p>}
        <ul>
          {claim.votes.edges.map(({ node }) => (
            <li key={node.id}>
              {ratingLabel(node.rating)} — {node.reviewer?.displayName} {node.reviewer?.organization && `(${node.reviewer.organization})`}
              {node.rationale && <p class="muted">{node.rationale}</p>}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>{t('history')}</h2>
        <ol>
          {claim.history.edges.map(({ node }) => (
            <li key={node.cursor}>
              {time(node.at)}: {node.previous.status} → <StatusWord status={node.verdict.status} /> {ratingLabel(node.verdict.rating)}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

/** A read made once and shared by its callers; made again after it failed (the link was down). */
function once<T>(read: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= read().catch((error) => {
      made = undefined;
      throw error;
    }));
}
