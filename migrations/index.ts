import { CreateCore1764000000000 } from './1764000000000-CreateCore';
import { IdempotencyKeys1764100000000 } from './1764100000000-IdempotencyKeys';
import { RateLimits1764250000000 } from './1764250000000-RateLimits';
import { Trust1764500000000 } from './1764500000000-Trust';

/** Every migration, oldest first. The database schema changes only through these. */
export const migrations = [CreateCore1764000000000, IdempotencyKeys1764100000000, RateLimits1764250000000, Trust1764500000000];
