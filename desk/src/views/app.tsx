import { link } from '../connection';
import { chooseLanguage, language, languages, t, time } from '../i18n';
import { outbox } from '../outbox';
import { deskUrl, path, route } from '../router';
import { session, signOut } from '../session';
import { useValue } from '../value';
import { BoardPage } from './board';
import { ClaimPage } from './claim';
import { Events } from './events';
import { OrganizationPage } from './organization';
import { Link } from './parts';
import { SignIn } from './sign-in';

export function App() {
  const current = useValue(language);
  const signedIn = useValue(session);
  const where = route(useValue(path));
  return (
    <div key={current}>
      <header>
        <Link href={deskUrl.events()} class="brand">
          {t('title')}
        </Link>
        {signedIn && <Link href={deskUrl.organization()}>{t('organization')}</Link>}
        <span class="spacer" />
        <ConnectionStatus />
        <span role="group" aria-label={t('language')}>
          {languages.map((code) => (
            <button type="button" key={code} aria-pressed={code === current} onClick={() => chooseLanguage(code)}>
              {code.toUpperCase()}
            </button>
          ))}
        </span>
        {signedIn && (
          <button type="button" onClick={signOut}>
            {t('signOut')} ({signedIn.viewer.displayName})
          </button>
        )}
      </header>
      <main>{signedIn ? <Page where={where} /> : <SignIn />}</main>
    </div>
  );
}

function Page({ where }: { where: ReturnType<typeof route> }) {
  switch (where.page) {
    case 'events':
      return <Events />;
    case 'board':
      return <BoardPage key={where.eventId} eventId={where.eventId} />;
    case 'claim':
      return <ClaimPage key={where.claimId} claimId={where.claimId} />;
    case 'organization':
      return <OrganizationPage />;
    case 'missing':
      return <p role="alert">{t('notFound')}</p>;
  }
}

/** Online, or offline since when, and how many actions wait to be sent. */
function ConnectionStatus() {
  const state = useValue(link);
  const waiting = useValue(outbox).filter((item) => !item.failure).length;
  const text = state.online ? t('online') : t('offlineSince', { time: time(state.since ?? Date.now()) });
  return (
    <p role="status" class={state.online ? 'link online' : 'link offline'}>
      {text}
      {waiting > 0 && ` · ${t('waiting', { n: waiting })}`}
    </p>
  );
}
