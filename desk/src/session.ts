import { request } from './graphql';
import { Value } from './value';

export interface Viewer {
  id: string;
  displayName: string;
  organization: string | null;
  role: 'OBSERVER' | 'REVIEWER' | 'EDITOR' | 'ADMIN';
  email: string | null;
}

export interface Session {
  token: string;
  viewer: Viewer;
}

const key = 'desk.session';

function stored(): Session | null {
  try {
    return JSON.parse(localStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}

/** The signed-in reviewer and token, kept in localStorage so that a reload keeps the session. */
export const session = new Value<Session | null>(stored());

export async function signIn(email: string, password: string): Promise<void> {
  const { logIn } = await request('LogIn', { input: { email, password } });
  const { viewer } = await request('Viewer', {}, logIn.token);
  localStorage.setItem(key, JSON.stringify({ token: logIn.token, viewer }));
  session.set({ token: logIn.token, viewer });
}

export function signOut(): void {
  localStorage.removeItem(key);
  session.set(null);
}

export function isEditor(viewer: Viewer): boolean {
  return viewer.role === 'EDITOR' || viewer.role === 'ADMIN';
}

export function canVote(viewer: Viewer): boolean {
  return viewer.role !== 'OBSERVER';
}
