import type { ComponentChildren } from 'preact';
import type { RequestFailure } from '../graphql';
import { t, time } from '../i18n';
import { followLink } from '../router';

export function Link({ href, children, class: className }: { href: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={href} onClick={followLink} class={className}>
      {children}
    </a>
  );
}

/** What a read shows before its data: loading, an error, or nothing. */
export function ReadState({ loading, error }: { loading: boolean; error?: RequestFailure }) {
  if (loading) return <p aria-busy="true">{t('loading')}</p>;
  if (error) return <p role="alert">{error.code === 'NOT_FOUND' ? t('notFound') : error.message}</p>;
  return null;
}

export function SavedCopy({ savedAt }: { savedAt?: number }) {
  return savedAt ? <p class="saved">{t('staleCopy', { time: time(savedAt) })}</p> : null;
}

export function ratingLabel(rating: string | null | undefined): string {
  return rating ? t(`rating.${rating}` as Parameters<typeof t>[0]) : '—';
}

export function StatusWord({ status }: { status: string }) {
  return <span class={`status status-${status.toLowerCase()}`}>{status}</span>;
}

export const ratings = ['TRUE', 'MOSTLY_TRUE', 'MIXED', 'MISLEADING', 'MOSTLY_FALSE', 'FALSE', 'UNVERIFIABLE'] as const;
export const statuses = ['UNVERIFIED', 'IN_REVIEW', 'CONTESTED', 'CONSENSUS', 'PUBLISHED'] as const;
