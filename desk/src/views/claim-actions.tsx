import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { enqueue } from '../outbox';
import { canVote, Viewer } from '../session';
import type { Detail } from './claim';
import { ratingLabel, ratings } from './parts';

const open = (claim: Detail) => claim.verdict.status !== 'PUBLISHED' && !claim.duplicateOf;
const place = (claim: Detail) => ({ claimId: claim.id, eventId: claim.event.id });

/** One button per rating, named by its label; the reviewer's own vote is pressed. */
export function VoteButtons({ claim, viewer }: { claim: Detail; viewer: Viewer }) {
  const [rationale, setRationale] = useState('');
  if (!canVote(viewer) || !open(claim)) return null;
  const vote = (rating: string) => {
    const input = { claimId: claim.id, rating, ...(rationale.trim() ? { rationale: rationale.trim() } : {}) };
    void enqueue('CastVote', input, place(claim), { key: 'action.CastVote', params: { rating: ratingLabel(rating) } });
  };
  return (
    <section class="vote">
      <h2>{t('vote')}</h2>
      <div role="group" aria-label={t('vote')}>
        {ratings.map((rating) => (
          <button type="button" key={rating} aria-pressed={claim.viewerVote?.rating === rating} onClick={() => vote(rating)}>
            {ratingLabel(rating)}
          </button>
        ))}
      </div>
      <label>
        {t('rationale')}
        <textarea rows={2} value={rationale} onInput={(e) => setRationale(e.currentTarget.value)} />
      </label>
      {claim.viewerVote && (
        <button type="button" onClick={() => void enqueue('RetractVote', { claimId: claim.id }, place(claim), { key: 'action.RetractVote', params: {} })}>
          {t('retract')}
        </button>
      )}
    </section>
  );
}

export function AddEvidence({ claim, viewer }: { claim: Detail; viewer: Viewer }) {
  if (!canVote(viewer)) return null;
  const submit = (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const input = {
      claimId: claim.id,
      stance: text('stance'),
      ...(text('url') ? { url: text('url') } : {}),
      ...(text('title') ? { title: text('title') } : {}),
      ...(text('excerpt') ? { excerpt: text('excerpt') } : {}),
    };
    void enqueue('AddEvidence', input, place(claim), { key: 'action.AddEvidence', params: { title: text('title') || text('url') } });
    formElement.reset();
  };
  return (
    <details>
      <summary>{t('addEvidence')}</summary>
      <form onSubmit={submit}>
        <label>
          {t('stance')}
          <select name="stance">
            {(['SUPPORTS', 'REFUTES', 'CONTEXT'] as const).map((stance) => (
              <option value={stance}>{t(stance)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('link')}
          <input name="url" type="url" />
        </label>
        <label>
          {t('evidenceTitle')}
          <input name="title" />
        </label>
        <label>
          {t('excerpt')}
          <textarea name="excerpt" rows={3} />
        </label>
        <button type="submit">{t('addEvidence')}</button>
      </form>
    </details>
  );
}

/** Publish with a summary (in CONSENSUS), reopen with a reason (once published), mark as a duplicate. */
export function EditorActions({ claim }: { claim: Detail }) {
  const { status } = claim.verdict;
  const act = (operationName: 'PublishVerdict' | 'ReopenClaim' | 'MarkDuplicate', field: string, key: 'action.PublishVerdict' | 'action.ReopenClaim' | 'action.MarkDuplicate') =>
    (event: Event) => {
      event.preventDefault();
      const formElement = event.currentTarget as HTMLFormElement;
      const value = String(new FormData(formElement).get(field) ?? '').trim();
      const input = { claimId: claim.id, [field]: field === 'duplicateOfId' ? claimIdFrom(value) : value };
      void enqueue(operationName, input, place(claim), { key, params: {} });
      formElement.reset();
    };
  return (
    <section class="editor">
      {status === 'CONSENSUS' && (
        <form onSubmit={act('PublishVerdict', 'summary', 'action.PublishVerdict')}>
          <label>
            {t('summary')}
            <textarea name="summary" rows={3} required />
          </label>
          <button type="submit">{t('publish')}</button>
        </form>
      )}
      {status === 'PUBLISHED' && (
        <form onSubmit={act('ReopenClaim', 'reason', 'action.ReopenClaim')}>
          <label>
            {t('reason')}
            <input name="reason" required />
          </label>
          <button type="submit">{t('reopen')}</button>
        </form>
      )}
      {open(claim) && (
        <form onSubmit={act('MarkDuplicate', 'duplicateOfId', 'action.MarkDuplicate')}>
          <label>
            {t('duplicateOf')}
            <input name="duplicateOfId" required />
          </label>
          <button type="submit">{t('markDuplicate')}</button>
        </form>
      )}
    </section>
  );
}

/** A claim's ID from a pasted desk or public link, or the ID itself. */
function claimIdFrom(text: string): string {
  const match = /\/claims\/([^/?#]+)/.exec(text);
  return match ? decodeURIComponent(match[1]) : text;
}
