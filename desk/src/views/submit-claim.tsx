import { useEffect, useState } from 'preact/hooks';
import { send } from '../api';
import { t } from '../i18n';
import { enqueue } from '../outbox';
import { deskUrl } from '../router';
import { Link } from './parts';

interface Match {
  score: number;
  claim: { id: string; statement: string };
}

/** The form for a new claim, which shows the claims already on the desk that read like it while it is typed. */
export function SubmitClaim({ eventId }: { eventId: string }) {
  const [statement, setStatement] = useState('');
  const [context, setContext] = useState('');
  const [sourceUrl, setSourceUrl] = useState('');
  const similar = useSimilarClaims(statement.trim(), eventId);
  const submit = (event: Event) => {
    event.preventDefault();
    const input = { eventId, statement: statement.trim(), ...(context.trim() ? { context: context.trim() } : {}), ...(sourceUrl.trim() ? { sourceUrl: sourceUrl.trim() } : {}) };
    void enqueue('SubmitClaim', input, { eventId }, { key: 'action.SubmitClaim', params: { statement: input.statement } });
    setStatement('');
    setContext('');
    setSourceUrl('');
  };
  return (
    <details class="submit-claim">
      <summary>{t('newClaim')}</summary>
      <form onSubmit={submit}>
        <label>
          {t('statement')}
          <textarea required rows={2} value={statement} onInput={(e) => setStatement(e.currentTarget.value)} />
        </label>
        {similar.length > 0 && (
          <section class="similar" aria-label={t('similar')}>
            <p>{t('similar')}</p>
            <ul>
              {similar.map((match) => (
                <li key={match.claim.id}>
                  <Link href={deskUrl.claim(match.claim.id)}>{match.claim.statement}</Link> <span class="muted">{Math.round(match.score * 100)}%</span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <label>
          {t('context')}
          <textarea rows={2} value={context} onInput={(e) => setContext(e.currentTarget.value)} />
        </label>
        <label>
          {t('sourceUrl')}
          <input type="url" value={sourceUrl} onInput={(e) => setSourceUrl(e.currentTarget.value)} />
        </label>
        <button type="submit">{t('submit')}</button>
      </form>
    </details>
  );
}

function useSimilarClaims(text: string, eventId: string): Match[] {
  const [matches, setMatches] = useState<Match[]>([]);
  useEffect(() => {
    if (text.length < 4) return setMatches([]);
    let current = true;
    const timer = setTimeout(async () => {
      try {
        const { similarClaims } = await send<{ similarClaims: Match[] }>('SimilarClaims', { text, eventId, first: 5 });
        if (current) setMatches(similarClaims);
      } catch {
        // Offline: the claim can still be written and sent later, without suggestions.
      }
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, eventId]);
  return matches;
}
