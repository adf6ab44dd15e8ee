import { useRead } from '../api';
import { t, time } from '../i18n';
import { deskUrl } from '../router';
import { Link, ReadState, SavedCopy } from './parts';

interface EventNode {
  id: string;
  title: string;
  region: string | null;
  status: string;
  startedAt: string;
  stats: { claimCount: number };
}

export function Events() {
  const answer = useRead<{ events: { edges: { node: EventNode }[] } }>('Events', { first: 50 });
  const events = answer.data?.events.edges.map((edge) => edge.node);
  return (
    <section>
      <h1>{t('events')}</h1>
      <SavedCopy savedAt={answer.savedAt} />
      {events ? (
        events.length ? (
          <ul class="events">
            {events.map((event) => (
              <li key={event.id}>
                <Link href={deskUrl.board(event.id)}>{event.title}</Link> <span class="muted">{event.region}</span>{' '}
                <span class="muted">{time(event.startedAt)}</span> · {t('claimCount', { n: event.stats.claimCount })}
                {event.status === 'CLOSED' && <span class="status"> CLOSED</span>}
              </li>
            ))}
          </ul>
        ) : (
          <p>{t('noEvents')}</p>
        )
      ) : (
        <ReadState {...answer} />
      )}
    </section>
  );
}
