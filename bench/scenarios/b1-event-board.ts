import { isDeepStrictEqual } from 'node:util';
import { Applications, BackendCpuMonitor, openBackendCpuMonitor } from '../lib/backend-cpu';
import { startBaselineServer } from '../lib/baseline-server';
import { createBenchDatabase } from '../lib/database';
import { operationBody } from '../lib/graphql';
import { runLoad } from '../lib/load';
import { pinningSupport } from '../lib/processes';
import { startProjectServer } from '../lib/project-server';
import { alternateRounds, cpuPerOperation, databaseCpuPerOperation, describeRounds, loadGeneratorBusiest, roundTiming } from '../lib/rounds';
import { Account, ratings, Seeder } from '../lib/seed';
import { format, percent, summarizeRounds } from '../lib/stats';
import { loadNotes, loadRows, ResultRow } from '../lib/table';
import type { Scenario } from './scenario';

const boardSizes = [5, 20, 50];
const organizations = ['Factcheck.kz', 'Vlast.kz', 'Desk'];

/**
 * B1: anonymous readers load the EventBoard (a page of claims with verdicts, evidence and
 * votes) over HTTP at fixed concurrency. Goals: the same number of SQL statements for 5, 20
 * and 50 claims; at least half the requests per second of raw node:http + pg answering the
 * same JSON.
 */
export const eventBoardScenario: Scenario = {
  id: 'b1',
  title: 'EventBoard over HTTP, project vs raw node:http + pg',
  options: [
    { name: 'concurrency', default: 16, help: 'requests in flight at once' },
    { name: 'claims', default: 20, help: 'claims on the measured board (first:)' },
  ],
  async run({ options, db, log, execArgv }) {
    const concurrency = options.number('concurrency');
    const first = options.number('claims');
    const database = await createBenchDatabase(db);
    let project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project, countStatements: true });
    let baseline: Awaited<ReturnType<typeof startBaselineServer>> | undefined;
    let backends: BackendCpuMonitor | undefined;
    try {
      log(`seeding ${Math.max(...boardSizes, first)} claims with evidence and votes through the API`);
      const eventId = await seedBoard(project.url, Math.max(...boardSizes, first));
      // The baseline gets a copy of PGlite's files, whole, so the project is stopped meanwhile.
      await project.stop();
      const baselineEnv = await database.baselineEnv();
      project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project, countStatements: true });
      baseline = await startBaselineServer('baselines/raw-event-board-server.ts', baselineEnv, { execArgv: execArgv.baseline });

      const body = (size: number) => operationBody('EventBoard', { id: eventId, first: size });
      const statements = { project: [] as number[], baseline: [] as number[] };
      for (const size of boardSizes) {
        const [fromProject, fromBaseline] = await Promise.all([post(project.url, body(size)), post(baseline.url, body(size))]);
        if (!isDeepStrictEqual(fromProject.json, fromBaseline.json) || fromProject.text.trim() !== fromBaseline.text.trim()) {
          throw new Error(`the baseline's EventBoard (first: ${size}) differs from the project's:\n${firstDifference(fromProject.text, fromBaseline.text)}`);
        }
        statements.project.push(fromProject.statements);
        statements.baseline.push(fromBaseline.statements);
      }
      log(`statements per EventBoard at ${boardSizes.join(', ')} claims: project ${statements.project}, baseline ${statements.baseline}`);
      // Counted; now timed on a production server.
      await project.stop();
      project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project });
      const measured = await post(project.url, body(first));
      if (measured.text.trim() !== (await post(baseline.url, body(first))).text.trim()) throw new Error('the production server answers differently');

      // PostgreSQL's side of each request (parse, plan, execute): its backends' CPU, each side's own.
      backends = database.kind === 'postgres' ? await openBackendCpuMonitor(database.projectEnv.DATABASE_URL!) : undefined;
      const backendsOf = (application: string) => backends && (() => backends!.sample(application));
      const timing = roundTiming(options);
      const plan = (url: string, round: number) => ({
        url,
        concurrency,
        sequences: [[{ body: body(first) }]],
        warmupMs: timing.warmupMs(round),
        durationMs: timing.durationMs,
        check: 'graphql' as const,
      });
      const rounds = await alternateRounds(
        options.number('rounds'),
        {
          project: { run: (round) => runLoad(plan(project.url, round)), server: project.pid, backends: backendsOf(Applications.project) },
          baseline: {
            run: (round) => runLoad(plan(baseline!.url, round)),
            server: baseline.child.process.pid!,
            backends: backendsOf(Applications.baseline),
          },
        },
        log,
      );
      const projectSummary = summarizeRounds(rounds.project);
      const baselineSummary = summarizeRounds(rounds.baseline);
      const label = `EventBoard ${first} claims, ${concurrency} concurrent`;
      const at = boardSizes.indexOf(first);
      const statementRow: ResultRow = {
        scenario: 'B1',
        measure: `SQL statements per EventBoard at ${boardSizes.join(' / ')} claims`,
        project: statements.project.join(' / '),
        baseline: statements.baseline.join(' / '),
        ratio: at >= 0 ? `${(statements.project[at] / statements.baseline[at]).toFixed(2)}x` : '—',
        goal: 'the same for all sizes',
        // 0 would mean no x-sql-statements header: a production server, which counts nothing.
        pass: new Set(statements.project).size === 1 && statements.project[0] > 0,
      };
      return {
        rows: [
          statementRow,
          ...loadRows('B1', label, projectSummary, baselineSummary, 0.5, 'req/s', {
            project: cpuPerOperation(rounds.project),
            baseline: cpuPerOperation(rounds.baseline),
          }),
          ...databaseCpuRow(label, databaseCpuPerOperation(rounds.project), databaseCpuPerOperation(rounds.baseline)),
        ],
        notes: [
          `Anonymous reader; one board of ${first} claims, each with 4 evidence items (3 shown) and 5 votes from 3 organisations; ` +
            `response ${measured.text.length} bytes, identical from both sides (checked before the load).`,
          `Closed loop of ${concurrency} keep-alive connections from a load-generator process; ${describeRounds(options)}. ` +
            `The load generator's core was at most ${percent(Math.max(loadGeneratorBusiest(rounds.project, timing), loadGeneratorBusiest(rounds.baseline, timing)))} busy.`,
          `Database: ${database.kind === 'postgres' ? 'PostgreSQL, one fresh database shared by both sides; pool of 10 connections each' : 'PGlite, one connection each, the baseline on a copy of the project\'s files'}.`,
          ...(pinningSupport().works ? [] : [`Unpinned: ${pinningSupport().why}; the load generator competes with the servers for CPU.`]),
          ...loadNotes(label, projectSummary, baselineSummary),
        ],
      };
    } finally {
      await backends?.close();
      await baseline?.stop();
      await project.stop();
      await database.drop();
    }
  },
};

/** PostgreSQL backends' CPU per request, for context, when it was read (PostgreSQL on this machine). */
function databaseCpuRow(label: string, project: number | undefined, baseline: number | undefined): ResultRow[] {
  if (project === undefined || baseline === undefined) return [];
  return [
    {
      scenario: 'B1',
      measure: `${label}: PostgreSQL backends' CPU per req`,
      project: format.ms(project),
      baseline: format.ms(baseline),
      ratio: format.ratio(project / baseline),
      goal: '—',
      pass: null,
    },
  ];
}

/** One event with `count` claims, each with 4 evidence items and 5 votes; returns its id. */
async function seedBoard(url: string, count: number): Promise<string> {
  const seed = await Seeder.create(url);
  const reviewers: Account[] = await seed.reviewers(5, organizations);
  const eventId = await seed.openEvent(seed.admin, 'Unrest in Kazakhstan, January 2022', { quorum: 3, minOrganizations: 2 });
  const claim = async (i: number) => {
    const claimId = await seed.submitClaim(reviewers[i % reviewers.length], eventId, `Claim number ${i}: looters emptied ATMs in Almaty`);
    for (const [n, stance] of ['SUPPORTS', 'REFUTES', 'CONTEXT', 'SUPPORTS'].entries()) {
      await seed.addEvidence(reviewers[n], claimId, stance, i * 10 + n);
    }
    for (const [r, reviewer] of reviewers.entries()) await seed.vote(reviewer, claimId, ratings[(i + r * (i % 3)) % ratings.length]);
  };
  // Claims in order (the board lists them newest first), their evidence and votes a few at a time.
  for (let i = 0; i < count; i += 5) await Promise.all(Array.from({ length: Math.min(5, count - i) }, (_, j) => claim(i + j)));
  return eventId;
}

async function post(url: string, body: string): Promise<{ text: string; json: unknown; statements: number }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  const json = JSON.parse(text);
  if (response.status !== 200 || json.errors) throw new Error(`EventBoard failed at ${url}: ${response.status} ${text.slice(0, 500)}`);
  return { text, json, statements: Number(response.headers.get('x-sql-statements')) };
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `project:  ...${a.slice(Math.max(0, i - 80), i + 120)}\nbaseline: ...${b.slice(Math.max(0, i - 80), i + 120)}`;
}
