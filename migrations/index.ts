import { CreateCore1764000000000 } from './1764000000000-CreateCore';

/** Every migration, oldest first. The database schema changes only through these. */
export const migrations = [CreateCore1764000000000];
