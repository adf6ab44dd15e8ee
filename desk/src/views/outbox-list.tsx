import { t, time } from '../i18n';
import { dismiss, outbox, OutboxItem } from '../outbox';
import { useValue } from '../value';

/** The actions waiting to be sent that belong here, and those the server refused, with why. */
export function OutboxList({ filter }: { filter: (item: OutboxItem) => boolean }) {
  const items = useValue(outbox).filter(filter);
  if (items.length === 0) return null;
  return (
    <section class="outbox" aria-label={t('outbox')}>
      <h2>{t('outbox')}</h2>
      <ul>
        {items.map((item) => (
          <li key={item.id} class={item.failure ? 'failed' : 'waiting'}>
            {t(item.label.key, item.label.params)} <span class="muted">{time(item.createdAt)}</span> —{' '}
            {item.failure ? (
              <>
                <strong>{t('itemFailed', { message: item.failure.message })}</strong>{' '}
                <button type="button" onClick={() => void dismiss(item.id)}>
                  {t('dismiss')}
                </button>
              </>
            ) : (
              t('itemWaiting')
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
