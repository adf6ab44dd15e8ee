import { castVoteScenario } from './b2-cast-vote';
import { eventBoardScenario } from './b1-event-board';
import { verdictFanoutScenario } from './b3-verdict-fanout';
import { subscriptionMemoryScenario } from './b4-subscription-memory';
import { crossInstanceScenario } from './b5-cross-instance';
import { catchUpScenario } from './b6-catch-up';
import { deskFirstLoadScenario } from './b7-desk-first-load';
import { suspensionScenario } from './b8-suspension';
import { rateLimitStoreScenario } from './b9-rate-limit-store';
import type { Scenario } from './scenario';

/** Every scenario, in the order `npm run bench` runs them. Add a new one here. */
export const scenarios: readonly Scenario[] = [
  eventBoardScenario,
  castVoteScenario,
  verdictFanoutScenario,
  subscriptionMemoryScenario,
  crossInstanceScenario,
  catchUpScenario,
  deskFirstLoadScenario,
  suspensionScenario,
  rateLimitStoreScenario,
];
