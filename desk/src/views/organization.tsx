import { useState } from 'preact/hooks';
import { send, useRead } from '../api';
import { RequestFailure } from '../graphql';
import { t } from '../i18n';
import { ReadState } from './parts';

interface Membership {
  id: string;
  status: string;
  orgAdmin: boolean;
  organization: { id: string; name: string };
  reviewer: { id: string; displayName: string; role: string };
}

/** For an organisation's admins: requests to join, to approve or decline, and invitations. These need the link. */
export function OrganizationPage() {
  const own = useRead<{ viewer: { membership: Membership | null } | null }>('ViewerMembership', {});
  const membership = own.data?.viewer?.membership;
  if (!own.data) return <ReadState {...own} />;
  if (!membership?.orgAdmin) return <p>{t('notOrgAdmin')}</p>;
  return (
    <section>
      <h1>{membership.organization.name}</h1>
      <Requests organizationId={membership.organization.id} />
      <Invite organizationId={membership.organization.id} />
    </section>
  );
}

function Requests({ organizationId }: { organizationId: string }) {
  const requests = useRead<{ node: { memberships: { edges: { node: Membership }[] } } | null }>('OrganizationMembers', {
    id: organizationId,
    first: 50,
    status: 'REQUESTED',
  });
  const [failure, setFailure] = useState<string>();
  const decide = async (membershipId: string, approve: boolean) => {
    try {
      await send('DecideMembership', { input: { membershipId, approve } });
      setFailure(undefined);
      await requests.reload();
    } catch (error) {
      setFailure(error instanceof RequestFailure ? error.message : String(error));
    }
  };
  const edges = requests.data?.node?.memberships.edges;
  return (
    <section>
      <h2>{t('requests')}</h2>
      {!edges ? (
        <ReadState {...requests} />
      ) : edges.length === 0 ? (
        <p>{t('noRequests')}</p>
      ) : (
        <ul>
          {edges.map(({ node }) => (
            <li key={node.id}>
              {node.reviewer.displayName}{' '}
              <button type="button" onClick={() => void decide(node.id, true)}>
                {t('approve')}
              </button>{' '}
              <button type="button" onClick={() => void decide(node.id, false)}>
                {t('decline')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {failure && <p role="alert">{failure}</p>}
    </section>
  );
}

function Invite({ organizationId }: { organizationId: string }) {
  const [result, setResult] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const input = { organizationId, email: String(form.get('email')), role: String(form.get('role')), orgAdmin: form.get('orgAdmin') === 'on' };
    try {
      const { inviteMember } = await send('InviteMember', { input });
      setResult(t('invitationCode', { email: inviteMember.invitation.email, code: inviteMember.invitation.code }));
      formElement.reset();
    } catch (error) {
      setResult(error instanceof RequestFailure ? error.message : String(error));
    }
  };
  return (
    <section>
      <h2>{t('invite')}</h2>
      <form onSubmit={submit}>
        <label>
          {t('email')}
          <input name="email" type="email" required />
        </label>
        <label>
          {t('role')}
          <select name="role">
            {['REVIEWER', 'EDITOR', 'OBSERVER'].map((role) => (
              <option value={role}>{role}</option>
            ))}
          </select>
        </label>
        <label>
          <input name="orgAdmin" type="checkbox" /> {t('orgAdmin')}
        </label>
        <button type="submit">{t('invite')}</button>
      </form>
      {result && <p role="alert">{result}</p>}
    </section>
  );
}
