import { useState } from 'preact/hooks';
import { RequestFailure } from '../graphql';
import { t } from '../i18n';
import { signIn } from '../session';

export function SignIn() {
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    setBusy(true);
    try {
      await signIn(String(form.get('email')), String(form.get('password')));
    } catch (error) {
      setFailure(error instanceof RequestFailure ? error.message : String(error));
      setBusy(false);
    }
  };
  return (
    <form class="sign-in" onSubmit={submit}>
      <h1>{t('title')}</h1>
      <label>
        {t('email')}
        <input name="email" type="email" autocomplete="username" required />
      </label>
      <label>
        {t('password')}
        <input name="password" type="password" autocomplete="current-password" required />
      </label>
      <button type="submit" disabled={busy}>
        {t('signIn')}
      </button>
      {failure && <p role="alert">{t('signInFailed', { message: failure })}</p>}
    </form>
  );
}
