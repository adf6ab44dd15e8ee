import { Value } from './value';

export interface Link {
  online: boolean;
  /** When the link was lost (ms since the epoch), while offline. */
  since?: number;
}

const sinceKey = 'desk.offlineSince';

function initial(): Link {
  if (navigator.onLine) return { online: true };
  return { online: false, since: Number(localStorage.getItem(sinceKey)) || Date.now() };
}

/** Whether the server answers: the browser's own online flag, and what the last request met. */
export const link = new Value<Link>(initial());

export function markOnline(): void {
  if (link.get().online) return;
  localStorage.removeItem(sinceKey);
  link.set({ online: true });
}

export function markOffline(): void {
  if (!link.get().online) return;
  const since = Date.now();
  localStorage.setItem(sinceKey, String(since));
  link.set({ online: false, since });
}

addEventListener('offline', markOffline);
addEventListener('online', markOnline);
