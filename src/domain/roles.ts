import { Role } from '../generated/schema-types';
import { forbidden, unauthenticated } from './errors';

const rank: Record<Role, number> = { OBSERVER: 0, REVIEWER: 1, EDITOR: 2, ADMIN: 3 };

/** The signed-in reviewer as the domain needs it for authorisation. */
export interface Actor {
  id: string;
  role: Role;
}

/** Whether `role` is `minimum` or above. */
export function hasRole(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

/** The actor when its role is at least `minimum`; UNAUTHENTICATED when anonymous, FORBIDDEN below it. */
export function requireRole(actor: Actor | null, minimum: Role): Actor {
  if (!actor) throw unauthenticated('Sign in to do this');
  if (rank[actor.role] < rank[minimum]) throw forbidden(`This needs the ${minimum} role or above`);
  return actor;
}
