import type { JSX } from 'preact';
import { Value } from './value';

/** The path of the page shown; the desk lives under /desk/. */
export const path = new Value(location.pathname);

export function navigate(href: string): void {
  if (href === location.pathname) return;
  history.pushState(null, '', href);
  path.set(location.pathname);
  scrollTo(0, 0);
}

addEventListener('popstate', () => path.set(location.pathname));

/** Follows a link inside the desk without loading the page again. */
export function followLink(event: JSX.TargetedMouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  navigate(event.currentTarget.getAttribute('href')!);
}

export type Route =
  | { page: 'events' }
  | { page: 'board'; eventId: string }
  | { page: 'claim'; claimId: string }
  | { page: 'organization' }
  | { page: 'missing' };

export function route(pathname: string): Route {
  const parts = pathname.replace(/^\/desk\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'events' };
  if (parts.length === 2 && parts[0] === 'events') return { page: 'board', eventId: parts[1] };
  if (parts.length === 2 && parts[0] === 'claims') return { page: 'claim', claimId: parts[1] };
  if (parts.length === 1 && parts[0] === 'organization') return { page: 'organization' };
  return { page: 'missing' };
}

export const deskUrl = {
  events: () => '/desk/',
  board: (eventId: string) => `/desk/events/${encodeURIComponent(eventId)}`,
  claim: (claimId: string) => `/desk/claims/${encodeURIComponent(claimId)}`,
  organization: () => '/desk/organization',
};
