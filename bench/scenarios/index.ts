import { castVoteScenario } from './b2-cast-vote';
import { eventBoardScenario } from './b1-event-board';
import type { Scenario } from './scenario';

/** Every scenario, in the order `npm run bench` runs them. Add a new one here. */
export const scenarios: readonly Scenario[] = [eventBoardScenario, castVoteScenario];
