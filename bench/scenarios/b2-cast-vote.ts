import type { ConsensusPolicy } from '../../src/domain/policy';
import type { Rating } from '../../src/generated/schema-types';
import { CastVotePlan, statementsPerVote } from '../baselines/raw-cast-vote';
import type { LoopResult } from '../lib/closed-loop';
import { BenchDatabase, createBenchDatabase, Inspector } from '../lib/database';
import { operationBody, uuidOf } from '../lib/graphql';
import { LoadRequest, runLoad } from '../lib/load';
import { compiledBenchModule } from '../lib/paths';
import { askChild, Cores, pinningSupport } from '../lib/processes';
import { ProjectServer, startProjectServer } from '../lib/project-server';
import { alternateRounds, cpuPerOperation, describeRounds, loadGeneratorBusiest, roundTiming } from '../lib/rounds';
import { Account, ratings, seededRandom, Seeder } from '../lib/seed';
import { format, percent, summarizeRounds } from '../lib/stats';
import { loadNotes, loadRows, ResultRow } from '../lib/table';
import { logProblems, readLogStats, readStoredBallots, readStoredVerdicts, verdictsOffTheRule } from '../lib/verdict-check';
import type { Scenario } from './scenario';

const policy: ConsensusPolicy = { quorum: 3, threshold: 0.66, minOrganizations: 2 };
const organizations = ['Factcheck.kz', 'Vlast.kz', 'Desk'];
/** Votes per reviewer before its sequence starts again; longer than any run gets through. */
const sequenceLength = 2000;

/**
 * B2: reviewers vote and re-vote at once on the claims of one event, every castVote
 * recomputing the verdict and writing the log, through HTTP and GraphQL; the baseline makes
 * the same writes as raw pg transactions. Goals: at least half the baseline's votes per second,
 * and no lost vote: after the run, every acknowledged vote is what is stored, every verdict is
 * the rule applied to the stored votes, and the log has an entry for each, without gaps.
 */
export const castVoteScenario: Scenario = {
  id: 'b2',
  title: 'castVote with verdict recompute and log write, project vs raw pg transaction',
  options: [
    { name: 'reviewers', default: 32, help: 'concurrent reviewers, each voting in a closed loop' },
    { name: 'claims', default: 10, help: 'claims of the one event they vote on' },
  ],
  async run({ options, db, log, execArgv }) {
    const reviewerCount = options.number('reviewers');
    const claimCount = options.number('claims');
    const database = await createBenchDatabase(db);
    let project: ProjectServer | undefined = await startProjectServer(database.projectEnv, { execArgv: execArgv.project, countStatements: true });
    try {
      log(`seeding ${reviewerCount} reviewers and two events of ${claimCount} claims through the API`);
      const seed = await Seeder.create(project.url);
      const reviewers = await seed.reviewers(reviewerCount, organizations);
      const events = { project: await openEvent(seed, claimCount, 'project'), baseline: await openEvent(seed, claimCount, 'baseline') };
      const votes = reviewers.map((_, w) => voteSequence(w, claimCount));
      const statements = await statementsOfOneVote(seed, reviewers[0]);
      // Counted; now timed on a production server (and the baseline gets a copy of PGlite's files, whole).
      await project.stop();
      const baselineEnv = await database.baselineEnv();
      project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project });

      const timing = roundTiming(options);
      const running = project;
      const projectPlan = (round: number) => ({
        url: running.url,
        concurrency: reviewerCount,
        sequences: reviewers.map((reviewer, w) => votes[w].map(({ claim, rating }) => castVoteRequest(reviewer, events.project.claimIds[claim], rating))),
        check: 'graphql' as const,
        warmupMs: timing.warmupMs(round),
        durationMs: timing.durationMs,
      });
      const baselinePlan = (round: number): CastVotePlan => ({
        concurrency: reviewerCount,
        sequences: reviewers.map((reviewer, w) =>
          votes[w].map(({ claim, rating }) => ({ claimId: uuidOf(events.baseline.claimIds[claim]), reviewerId: uuidOf(reviewer.id), rating })),
        ),
        warmupMs: timing.warmupMs(round),
        durationMs: timing.durationMs,
      });
      const rounds = await alternateRounds(
        options.number('rounds'),
        {
          project: { run: (round) => runLoad(projectPlan(round)), server: running.pid },
          baseline: {
            run: (round) =>
              askChild<LoopResult>(
                compiledBenchModule('baselines/raw-cast-vote.ts'),
                { core: Cores.server, args: ['--cast-votes'], env: baselineEnv },
                baselinePlan(round),
              ),
            server: 'loop',
          },
        },
        log,
      );

      if (database.kind === 'pglite') {
        await project.stop(); // PGlite's files have one owner at a time
        project = undefined;
      }
      const checks = {
        project: await checkNoLostVotes(database, 'project', events.project, reviewers, votes, rounds.project),
        baseline: await checkNoLostVotes(database, 'baseline', events.baseline, reviewers, votes, rounds.baseline),
      };
      log(`lost votes: project ${checks.project.summary}; baseline ${checks.baseline.summary}`);

      const projectSummary = summarizeRounds(rounds.project);
      const baselineSummary = summarizeRounds(rounds.baseline);
      const label = `castVote, ${reviewerCount} reviewers on ${claimCount} claims`;
      const lostRow: ResultRow = {
        scenario: 'B2',
        measure: 'lost votes after the run (vote, verdict or log entry not as acknowledged)',
        project: checks.project.summary,
        baseline: checks.baseline.summary,
        ratio: '—',
        goal: '0 lost',
        pass: checks.project.problems.length === 0,
      };
      const statementRow: ResultRow = {
        scenario: 'B2',
        measure: 'SQL statements per castVote that changes the verdict',
        project: String(statements),
        baseline: String(statementsPerVote),
        ratio: format.ratio(statements / statementsPerVote),
        goal: '—',
        pass: null,
      };
      return {
        rows: [
          statementRow,
          ...loadRows('B2', label, projectSummary, baselineSummary, 0.5, 'votes/s', {
            project: cpuPerOperation(rounds.project),
            baseline: cpuPerOperation(rounds.baseline),
          }),
          lostRow,
        ],
        notes: [
          `Policy quorum ${policy.quorum}, threshold ${policy.threshold}, minOrganizations ${policy.minOrganizations}; reviewers invited into ${organizations.length} verified organisations, ` +
            `each voting on the claims in turn, 60% FALSE, so most votes change the verdict and write two log entries.`,
          `Project: CastVote over HTTP from a load-generator process, ${reviewerCount} keep-alive connections, each with its reviewer's token. ` +
            `Baseline: the same votes as raw pg transactions from one process (the voter's row locked FOR SHARE, then the claim; ballots read with the project's query of roles, suspensions and verified organisations; ` +
            `organisation count and explanation stored), ${reviewerCount} at once on a pool of 10 connections (the project's pool size), ` +
            `on an event of its own with the same reviewers. The project's server stays up during the baseline's rounds and hears its NOTIFYs, ` +
            `which it drops at once: nothing subscribes.`,
          `${describeRounds(options)}. ` +
            `The load generator's core was at most ${percent(loadGeneratorBusiest(rounds.project, timing))} busy; the baseline's CPU is its whole process, driver included. ` +
            `Checked after the run: ${checks.project.checked}.`,
          ...(pinningSupport().works ? [] : [`Unpinned: ${pinningSupport().why}; the load generator competes with the servers for CPU.`]),
          ...checks.project.problems.map((problem) => `Project: ${problem}`),
          ...checks.baseline.problems.map((problem) => `Baseline (its own writes are wrong, so its figures are suspect): ${problem}`),
          ...loadNotes(label, projectSummary, baselineSummary),
        ],
      };
    } finally {
      await project?.stop();
      await database.drop();
    }
  },
};

interface SeededEvent {
  eventId: string;
  claimIds: string[];
}

async function openEvent(seed: Seeder, claims: number, side: string): Promise<SeededEvent> {
  const eventId = await seed.openEvent(seed.admin, `Unrest in Almaty (${side})`, policy);
  const claimIds: string[] = [];
  for (let i = 0; i < claims; i++) claimIds.push(await seed.submitClaim(seed.admin, eventId, `Claim ${i}: the airport was seized`));
  return { eventId, claimIds };
}

/** The x-sql-statements of a first vote on a claim of an event of its own (outside the checked ones). */
async function statementsOfOneVote(seed: Seeder, reviewer: Account): Promise<number> {
  const { claimIds } = await openEvent(seed, 1, 'statement count');
  const { headers } = await reviewer.api.op('CastVote', { input: { claimId: claimIds[0], rating: 'FALSE', rationale: 'Seen in the footage' } });
  return Number(headers.get('x-sql-statements'));
}

/** Reviewer w's votes: the claims in turn from claim w, mostly FALSE, deterministic. */
function voteSequence(w: number, claims: number): { claim: number; rating: Rating }[] {
  const next = seededRandom(w + 1);
  return Array.from({ length: sequenceLength }, (_, i) => ({
    claim: (w + i) % claims,
    rating: (next() < 0.6 ? 'FALSE' : ratings[Math.floor(next() * ratings.length)]) as Rating,
  }));
}

function castVoteRequest(reviewer: Account, claimId: string, rating: Rating): LoadRequest {
  return {
    body: operationBody('CastVote', { input: { claimId, rating, rationale: 'Seen in the footage' } }),
    headers: { authorization: `Bearer ${reviewer.token}` },
  };
}

/**
 * Replays what each reviewer was told (the outcomes, in order, round after round) and compares
 * it with what is stored: the last acknowledged rating of every reviewer and claim (a failed
 * call may or may not have committed, so its rating is accepted too), every claim's verdict
 * against the rule on its stored votes, and the event's log: gapless, one VOTE_CAST per
 * acknowledged vote, one VERDICT_CHANGED per verdict version.
 */
async function checkNoLostVotes(
  database: BenchDatabase,
  side: 'project' | 'baseline',
  event: SeededEvent,
  reviewers: readonly Account[],
  votes: readonly { claim: number; rating: Rating }[][],
  rounds: readonly LoopResult[],
): Promise<{ summary: string; problems: string[]; checked: string }> {
  const claimIds = event.claimIds.map(uuidOf);
  const expected = new Map<string, { acknowledged: Rating | null; maybe: Set<Rating> }>();
  let acknowledged = 0;
  let failed = 0;
  for (const round of rounds) {
    round.outcomes.forEach((outcomes, w) => {
      const reviewerId = uuidOf(reviewers[w % reviewers.length].id);
      const sequence = votes[w % votes.length];
      for (let i = 0; i < outcomes.length; i++) {
        const { claim, rating } = sequence[i % sequence.length];
        const key = `${claimIds[claim]}:${reviewerId}`;
        const entry = expected.get(key) ?? { acknowledged: null, maybe: new Set<Rating>() };
        if (outcomes[i] === '1') {
          entry.acknowledged = rating;
          entry.maybe.clear();
          acknowledged++;
        } else {
          entry.maybe.add(rating);
          failed++;
        }
        expected.set(key, entry);
      }
    });
  }

  return database.inspect(side, async (db: Inspector) => {
    const problems: string[] = [];
    const stored = await readStoredBallots(db, claimIds);
    const storedByKey = new Map(stored.map((row) => [`${row.claimId}:${row.voterId}`, row.rating]));
    let lost = 0;
    for (const [key, { acknowledged: rating, maybe }] of expected) {
      const found = storedByKey.get(key);
      const fine = found === undefined ? rating === null : found === rating || maybe.has(found);
      if (!fine) lost++;
    }
    const phantoms = [...storedByKey.keys()].filter((key) => !expected.has(key)).length;
    if (lost) problems.push(`${lost} reviewer-claim pairs do not hold the last acknowledged vote`);
    if (phantoms) problems.push(`${phantoms} stored votes were never sent`);

    const claims = await readStoredVerdicts(db, claimIds);
    const wrongVerdicts = verdictsOffTheRule(claims, stored, policy);
    if (wrongVerdicts) problems.push(`${wrongVerdicts} of ${claims.length} claims have a verdict that is not the rule applied to their stored votes`);

    const logStats = await readLogStats(db, uuidOf(event.eventId));
    problems.push(...logProblems(logStats, claims));
    if (logStats.voteCast < acknowledged || logStats.voteCast > acknowledged + failed) {
      problems.push(`the log has ${logStats.voteCast} VOTE_CAST entries for ${acknowledged} acknowledged votes (${failed} failed)`);
    }
    return {
      summary:
        `${lost} lost of ${acknowledged} acknowledged${failed ? ` (${failed} failed)` : ''}` +
        (problems.length > (lost ? 1 : 0) ? '; other problems, see the notes' : ''),
      problems,
      checked: `${expected.size} reviewer-claim pairs, ${claims.length} verdicts, ${logStats.entries} log entries`,
    };
  });
}
