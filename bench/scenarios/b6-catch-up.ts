import { isDeepStrictEqual } from 'node:util';
import { startBaselineServer } from '../lib/baseline-server';
import { createBenchDatabase } from '../lib/database';
import { operationBody, uuidOf } from '../lib/graphql';
import { requestOnTheWire, type WireResponse } from '../lib/on-the-wire';
import { startProjectServer } from '../lib/project-server';
import { forEachConcurrently, ratings, Seeder } from '../lib/seed';
import { format } from '../lib/stats';
import type { ResultRow } from '../lib/table';
import type { Scenario } from './scenario';

/** What a browser offers. */
const acceptEncoding = 'gzip, deflate, br';
/** The largest page of the activity log the API gives. */
const pageSize = 1000;

interface Entry {
  position: number;
  type: string;
  at: string;
  claimId: string | null;
  verdict: { status: string; rating: string | null; version: number } | null;
}

/**
 * B6: a client that was offline while `--entries` (2,000) entries accrued in one event
 * catches up through the contract's ActivitySince, page after page, as the desk would. Goal:
 * at most 1.5x the bytes of the same entries as minimal JSON, gzip-compressed, in one response
 * (the baseline); the time is shown beside it.
 */
export const catchUpScenario: Scenario = {
  id: 'b6',
  title: 'Catch-up after an outage through ActivitySince, project vs the entries as minimal gzipped JSON',
  options: [{ name: 'entries', default: 2000, help: 'entries logged while the client was offline' }],
  async run({ options, db, log, execArgv }) {
    const count = options.number('entries');
    const database = await createBenchDatabase(db);
    let project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project });
    let baseline: Awaited<ReturnType<typeof startBaselineServer>> | undefined;
    try {
      log(`seeding an event with more than ${count} log entries through the API`);
      const eventId = await seedLog(project.url, count + 1);
      await project.stop(); // on PGlite the baseline gets a copy of the files
      const baselineEnv = await database.baselineEnv();
      project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project });
      baseline = await startBaselineServer('baselines/raw-activity-since.ts', baselineEnv, { execArgv: execArgv.baseline });

      // The client saw everything up to `count` entries before the end, then went offline.
      const all = await catchUp(project.url, eventId, null);
      const startAt = all.entries.length - count - 1;
      const since = `${new URL(baseline.url).origin}/since?event=${uuidOf(eventId)}&after=${all.entries[startAt].position}`;
      const catchUpBaseline = async () => {
        const started = performance.now();
        const response = await requestOnTheWire(since, { headers: { 'accept-encoding': acceptEncoding } });
        if (response.status !== 200) throw new Error(`the baseline failed: ${response.status} ${response.text.slice(0, 300)}`);
        return { ms: performance.now() - started, responses: [response], entries: JSON.parse(response.text) as Entry[], cursors: [] };
      };
      const catchUpProject = () => catchUp(project.url, eventId, all.cursors[startAt]);

      const rounds = { project: [] as Timed[], baseline: [] as Timed[] };
      for (let round = 0; round < options.number('rounds'); round++) {
        const sides = round % 2 === 0 ? (['project', 'baseline'] as const) : (['baseline', 'project'] as const);
        for (const side of sides) rounds[side].push(side === 'project' ? await catchUpProject() : await catchUpBaseline());
      }
      const [fromProject, fromBaseline] = [rounds.project[0], rounds.baseline[0]];
      if (fromProject.entries.length !== count || !isDeepStrictEqual(fromProject.entries, fromBaseline.entries)) {
        throw new Error(`the sides read different entries: project ${fromProject.entries.length}, baseline ${fromBaseline.entries.length}`);
      }
      const received = (timed: Timed) => sum(timed.responses.map((response) => response.receivedBytes));
      const bodies = (timed: Timed) => sum(timed.responses.map((response) => response.bodyBytes));
      const decoded = (timed: Timed) => sum(timed.responses.map((response) => Buffer.byteLength(response.text)));
      const ms = (side: Timed[]) => median(side.map((timed) => timed.ms));
      const byteRatio = received(fromProject) / received(fromBaseline);
      const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
      const rows: ResultRow[] = [
        {
          scenario: 'B6',
          measure: `catch-up of ${count} entries: bytes received (headers and compressed bodies)`,
          project: kb(received(fromProject)),
          baseline: kb(received(fromBaseline)),
          ratio: format.ratio(byteRatio),
          goal: '<= 1.5x',
          pass: byteRatio <= 1.5,
        },
        {
          scenario: 'B6',
          measure: `catch-up of ${count} entries: compressed bodies alone`,
          project: kb(bodies(fromProject)),
          baseline: kb(bodies(fromBaseline)),
          ratio: format.ratio(bodies(fromProject) / bodies(fromBaseline)),
          goal: '—',
          pass: null,
        },
        {
          scenario: 'B6',
          measure: `catch-up of ${count} entries: time, median of ${options.number('rounds')}`,
          project: format.ms(ms(rounds.project)),
          baseline: format.ms(ms(rounds.baseline)),
          ratio: format.ratio(ms(rounds.project) / ms(rounds.baseline)),
          goal: '—',
          pass: null,
        },
      ];
      return {
        rows,
        notes: [
          `The project: ${fromProject.responses.length} ActivitySince pages of ${pageSize} (the API's largest), POSTed one after another with ` +
            `Accept-Encoding: ${acceptEncoding}, each on a new connection so that its bytes are counted exactly; answered with ` +
            `${[...new Set(fromProject.responses.map((response) => response.encoding))].join(', ')}, ${kb(decoded(fromProject))} of JSON before compression.`,
          `The baseline: one GET of the same ${count} entries (position, type, at, claim uuid, verdict status, rating and version; ` +
            `the fields of ActivitySince's nodes) as minimal JSON, gzip level 6, ${kb(decoded(fromBaseline))} before compression; ` +
            `both sides' entries checked equal.`,
          `Database: ${database.kind === 'postgres' ? 'PostgreSQL, one fresh database shared by both sides' : "PGlite, the baseline on a copy of the project's files"}.`,
        ],
      };
    } finally {
      await baseline?.stop();
      await project.stop();
      await database.drop();
    }
  },
};

interface Timed {
  ms: number;
  responses: WireResponse[];
  entries: Entry[];
  cursors: string[];
}

/** Reads the event's log after `after` to its end, through ActivitySince, as a client catching up. */
async function catchUp(url: string, eventId: string, after: string | null): Promise<Timed> {
  const started = performance.now();
  const responses: WireResponse[] = [];
  const entries: Entry[] = [];
  const cursors: string[] = [];
  for (let cursor = after, more = true; more; ) {
    const response = await requestOnTheWire(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': acceptEncoding },
      body: operationBody('ActivitySince', { eventId, after: cursor, first: pageSize }),
    });
    const json = JSON.parse(response.text);
    if (response.status !== 200 || json.errors) throw new Error(`ActivitySince failed: ${response.status} ${response.text.slice(0, 300)}`);
    responses.push(response);
    const page = json.data.activity;
    for (const { node } of page.edges) {
      entries.push(minimal(node));
      cursors.push(node.cursor);
    }
    cursor = page.pageInfo.endCursor;
    more = page.pageInfo.hasNextPage;
  }
  return { ms: performance.now() - started, responses, entries, cursors };
}

/** An ActivitySince node as the baseline writes it. */
function minimal(node: { cursor: string; type: string; at: string; claim: { id: string } | null; verdict: Entry['verdict'] }): Entry {
  const [, , position] = JSON.parse(Buffer.from(node.cursor, 'base64url').toString()) as [string, string, number];
  return { position, type: node.type, at: node.at, claimId: node.claim ? uuidOf(node.claim.id) : null, verdict: node.verdict };
}

/**
 * One event whose log holds at least `count` entries: claims, then votes that change verdicts
 * (quorum 1, ratings in turn), 8 calls at a time.
 */
async function seedLog(url: string, count: number): Promise<string> {
  const seed = await Seeder.create(url);
  const reviewers = await seed.reviewers(8, ['Factcheck.kz', 'Vlast.kz', 'Desk']);
  const eventId = await seed.openEvent(seed.admin, 'Unrest in Kazakhstan, January 2022', { quorum: 1 });
  const claims: string[] = [];
  for (let i = 0; i < 20; i++) claims.push(await seed.submitClaim(reviewers[i % reviewers.length], eventId, `Claim number ${i}: looters emptied ATMs in Almaty`));
  let logged = 0;
  for (let batch = 0; logged < count; batch++) {
    const votes = Array.from({ length: 200 }, (_, i) => i);
    await forEachConcurrently(votes, 8, (i) => seed.vote(reviewers[i % reviewers.length], claims[(i * 7) % claims.length], ratings[(batch + i) % ratings.length]));
    logged = (await catchUp(url, eventId, null)).entries.length;
  }
  return eventId;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
