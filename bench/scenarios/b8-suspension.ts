import { Client } from 'pg';
import type { ConsensusPolicy } from '../../src/domain/policy';
import type { RawVote } from '../baselines/raw-cast-vote';
import type { ChangeOutcome, ChangeRequest, StandingChange } from '../baselines/raw-suspension';
import type { Options } from '../lib/cli';
import { createBenchDatabase, Inspector } from '../lib/database';
import { GraphQLClient, uuidOf } from '../lib/graphql';
import { ChildRequests } from '../lib/ipc';
import { LockWait, measureLockWait } from '../lib/lock-wait';
import { compiledBenchModule } from '../lib/paths';
import { Child, Cores, pinningSupport, startNode } from '../lib/processes';
import { ProjectServer, startProjectServer } from '../lib/project-server';
import { Account, forEachConcurrently, Seeder } from '../lib/seed';
import { format, percentile } from '../lib/stats';
import type { ResultRow } from '../lib/table';
import { logProblems, readLogStats, readStoredBallots, readStoredVerdicts, verdictsOffTheRule } from '../lib/verdict-check';
import type { Scenario } from './scenario';

const policy: ConsensusPolicy = { quorum: 3, threshold: 0.66, minOrganizations: 2 };
const organizations = { member: 'Factcheck.kz', supporter: 'Vlast.kz', dissenter: 'Desk' } as const;
const defaultSizes = '100,1000,3000';
/** The issue's goal: a suspension of a member who voted on 1,000 claims keeps a vote on one of them waiting under 1 s. */
const goal = { claims: 1000, ms: 1000 };
/** API calls in flight while seeding. */
const seedConcurrency = 8;
/** Unmeasured suspensions and reinstatements of the smallest member on each side before the rounds (the JIT). */
const warmupCycles = 2;
const reason = 'Votes sold to a campaign (bench B8)';
const reasons = {
  suspended: `A member of ${organizations.member} was suspended and their votes stopped counting: ${reason}`,
  reinstated: `A member of ${organizations.member} was reinstated and their votes count again`,
};

/**
 * B8: what suspending a member costs. A member of a verified organisation voted on N claims
 * (each also voted on by two verified reviewers of other organisations, so that every verdict
 * changes); suspendMember recomputes those N verdicts in one transaction, holding their claims
 * locked. Measured: the mutation's latency and how long a castVote on one of those claims,
 * sent as soon as the suspension holds it, takes to answer; against a raw pg transaction doing
 * the same work, measured the same way. Goal: under 1 s of lock hold at 1,000 claims.
 */
export const suspensionScenario: Scenario = {
  id: 'b8',
  title: 'suspendMember of a member who voted on N claims: latency and lock hold, project vs raw pg transaction',
  options: [
    {
      name: 'claims',
      default: defaultSizes,
      valid: (value) => value.split(',').every((n) => Number.isInteger(Number(n)) && Number(n) > 0),
      help: 'comma-separated: claims each suspended member voted on, one member per size',
    },
    { name: 'events', default: 3, help: 'events the claims are spread over' },
  ],
  variant(options) {
    if (options.string('db') === 'pglite') return 'PGlite';
    const sizes = claimSizes(options).join(',');
    return sizes === defaultSizes && options.number('events') === 3 ? undefined : `${sizes} claims in ${options.number('events')} events`;
  },
  async run({ options, db, log, execArgv }) {
    if (db === 'pglite') {
      return {
        rows: [{ scenario: 'B8', measure: 'not measured on PGlite', project: '—', baseline: '—', ratio: '—', goal: '—', pass: null }],
        notes: ['PGlite has one connection, so no transaction ever waits for another: B8 measures lock waits on PostgreSQL only.'],
      };
    }
    const sizes = claimSizes(options);
    const rounds = options.number('rounds');
    const database = await createBenchDatabase(db);
    let project: ProjectServer | undefined = await startProjectServer(database.projectEnv, { execArgv: execArgv.project, countStatements: true });
    let baseline: Child | undefined;
    const monitor = new Client({ connectionString: database.projectEnv.DATABASE_URL });
    try {
      const seedingStarted = Date.now();
      const world = await seedWorld(project.url, sizes, options.number('events'), log);
      const seedingSeconds = (Date.now() - seedingStarted) / 1000;

      baseline = startNode(compiledBenchModule('baselines/raw-suspension.ts'), {
        core: Cores.server,
        args: ['--serve'],
        ipc: true,
        env: await database.baselineEnv(),
        execArgv: execArgv.baseline,
      });
      await monitor.connect();
      const rawSide = baselineSide(world, new ChildRequests(baseline));

      log('counting the statements of a suspension of each member (project on a development server)');
      const statements = { project: [] as number[], baseline: [] as number[] };
      for (const member of world.members) {
        statements.project.push(await projectStatements(world, member));
        statements.baseline.push(await rawSide.statements(member));
      }
      // Counted; now timed on a production server.
      await project.stop();
      project = await startProjectServer(database.projectEnv, { execArgv: execArgv.project });
      const sides: Record<SideName, Side> = { project: projectSide(world, project.url, monitor), baseline: rawSide };

      log(`warming up: ${warmupCycles} suspensions of the ${sizes[0]}-claim member on each side`);
      for (let i = 0; i < warmupCycles; i++) {
        for (const side of Object.values(sides)) await cycle(side, world.members[0]);
      }
      const { samples, problems } = await alternateCycles(sides, world.members, rounds, log);

      const stateProblems = await database.inspect('project', (inspector) => checkState(inspector, world));
      log(`after the run: ${stateProblems.length ? stateProblems.join('; ') : 'every verdict is the rule on its stored votes, the logs are gapless'}`);
      return {
        rows: [
          statementRow(sizes, statements),
          ...world.members.flatMap((member, m) => sizeRows(member.claims, samples.project[m], samples.baseline[m])),
          voteAloneRow(samples),
          checkRow(problems, stateProblems),
        ],
        notes: [
          `Policy quorum ${policy.quorum}, threshold ${policy.threshold}, minOrganizations ${policy.minOrganizations}. One member of the verified ${organizations.member} per size ` +
            `(${sizes.join(', ')}), each the only voter of ${organizations.member} on claims of their own (FALSE), spread over ${world.eventIds.length} events; ` +
            `every claim also has a FALSE vote from a verified ${organizations.supporter} reviewer and a TRUE one from a verified ${organizations.dissenter} reviewer: ` +
            `CONSENSUS (2 of 3, 2 organisations), which the suspension turns into IN_REVIEW (a vote that does not count), so it changes and logs all N verdicts, and the reinstatement changes them back. ` +
            `${world.claimIds.length} claims and ${world.voteCount} votes seeded through the API, ${seedConcurrency} calls at a time, in ${seedingSeconds.toFixed(0)} s.`,
          `Measured alike on both sides (lib/lock-wait.ts): the suspension is sent (project: SuspendMember over HTTP by the ADMIN; baseline: baselines/raw-suspension.ts, ` +
            `one raw pg transaction from its own process on the server core); a monitor connection polls the member's claim first in id order (the first the suspension locks) ` +
            `every 2 ms with SELECT ... FOR KEY SHARE SKIP LOCKED, which answers no row only while a FOR UPDATE lock holds it; at once the ${organizations.dissenter} reviewer's castVote ` +
            `on it is sent (TRUE again; project over HTTP, baseline B2's raw transaction). Its time to answer is what remained of the lock hold plus the vote itself (alone: its own row). ` +
            `Then the member is reinstated (not timed) and the vote cast again with nothing in its way.`,
          `The baseline locks what the project locks, in its order (organisation shared, reviewer, membership, events shared, the claims and their duplicates FOR UPDATE in id order, ` +
            `log heads last), reads the ballots with the project's query, then writes every changed verdict in one UPDATE (jsonb_to_recordset) and per event the log head, ` +
            `the VERDICT_CHANGED rows with the reason in one INSERT, and the NOTIFY. Statements counted on a development server (x-sql-statements) for the project, by the baseline itself.`,
          `${rounds} rounds, each size in turn, alternating which side goes first; before them ${warmupCycles} unmeasured cycles of the ${sizes[0]}-claim member on each side. ` +
            `--warmup, --prime and --duration do not apply. Medians of ${rounds} (nearest rank); every sample below.`,
          ...world.members.flatMap((member, m) =>
            (['project', 'baseline'] as const).map((name) => sampleNote(name, member.claims, samples[name][m])),
          ),
          ...(pinningSupport().works ? [] : [`Unpinned: ${pinningSupport().why}.`]),
          ...problems.project.map((problem) => `Project: ${problem}`),
          ...problems.baseline.map((problem) => `Baseline (its own writes are wrong, so its figures are suspect): ${problem}`),
          ...stateProblems.map((problem) => `After the run: ${problem}`),
        ],
      };
    } finally {
      await monitor.end().catch(() => undefined);
      await baseline?.stop();
      await project?.stop();
      await database.drop();
    }
  },
};

function claimSizes(options: Options): number[] {
  return [...new Set(options.string('claims').split(',').map(Number))].sort((a, b) => a - b);
}

interface Member {
  claims: number;
  account: Account;
  membershipId: string;
  /** The member's claim first in id order: the first the suspension locks, so the one held longest. */
  target: string;
}

interface World {
  admin: Account;
  /** The members' organisation's global ID. */
  organizationId: string;
  supporter: Account;
  dissenter: Account;
  members: Member[];
  eventIds: string[];
  claimIds: string[];
  voteCount: number;
}

/** The world through the API: the reviewers invited into verified organisations, the events, the claims, then the votes. */
async function seedWorld(url: string, sizes: readonly number[], eventCount: number, log: (message: string) => void): Promise<World> {
  const seed = await Seeder.create(url);
  const [supporter, dissenter, ...accounts] = await Promise.all([
    seed.reviewer(organizations.supporter),
    seed.reviewer(organizations.dissenter),
    ...sizes.map(() => seed.reviewer(organizations.member)),
  ]);
  const eventIds: string[] = [];
  for (let e = 0; e < eventCount; e++) eventIds.push(await seed.openEvent(seed.admin, `Unrest in Almaty, day ${e + 1}`, policy));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  log(`seeding ${total} claims over ${eventCount} events through the API, ${seedConcurrency} at a time`);
  const claimIds: string[] = [];
  await forEachConcurrently(
    Array.from({ length: total }, (_, i) => i),
    seedConcurrency,
    async (i) => {
      claimIds[i] = await seed.submitClaim(seed.admin, eventIds[i % eventCount], statementOf(i));
    },
  );
  const owners = sizes.flatMap((size, m) => Array.from({ length: size }, () => accounts[m]));
  const votes = claimIds.flatMap((claimId, i) => [
    { account: supporter, claimId, rating: 'FALSE' as const },
    { account: dissenter, claimId, rating: 'TRUE' as const },
    { account: owners[i], claimId, rating: 'FALSE' as const },
  ]);
  log(`seeding ${votes.length} votes through the API, ${seedConcurrency} at a time`);
  await forEachConcurrently(votes, seedConcurrency, ({ account, claimId, rating }) => seed.vote(account, claimId, rating));
  let offset = 0;
  const members: Member[] = [];
  for (const [m, size] of sizes.entries()) {
    const own = claimIds.slice(offset, (offset += size));
    const target = own.reduce((first, id) => (uuidOf(id) < uuidOf(first) ? id : first));
    members.push({ claims: size, account: accounts[m], membershipId: await seed.membershipId(accounts[m]), target });
  }
  return {
    admin: seed.admin,
    organizationId: await seed.organization(organizations.member),
    supporter,
    dissenter,
    members,
    eventIds,
    claimIds,
    voteCount: votes.length,
  };
}

/** Statements unlike one another, so that each submitClaim's similar-claims search finds few. */
function statementOf(i: number): string {
  const places = ['Almaty', 'Aktobe', 'Taraz', 'Shymkent', 'Oral', 'Atyrau', 'Kostanay', 'Semey', 'Pavlodar', 'Turkistan', 'Zhanaozen'];
  const things = ['the airport', 'a bank', 'the akimat', 'a tram depot', 'the TV tower', 'a bakery', 'the rail station', 'a school', 'the market', 'a bridge'];
  const deeds = ['was seized', 'burned down', 'was looted', 'closed early', 'was guarded', 'lost power', 'was evacuated', 'reopened'];
  return `${things[i % things.length]} in ${places[Math.floor(i / things.length) % places.length]} ${deeds[Math.floor(i / 110) % deeds.length]} (report ${i.toString(36)})`;
}

/** One measured suspension, the reinstatement that undoes it, and the vote alone. */
interface Cycle {
  /** The result: verdicts the suspension changed. */
  suspension: LockWait<number>;
  reinstated: number;
  voteAloneMs: number;
}

/** How one side suspends and reinstates a member and casts the dissenter's vote on the member's target claim. */
interface Side {
  /** Suspends the member while the vote waits for it; the result: verdicts changed. */
  suspend(member: Member): Promise<LockWait<number>>;
  /** ACTIVE again; verdicts changed. */
  reinstate(member: Member): Promise<number>;
  /** The vote with nothing in its way (ms). */
  voteAlone(member: Member): Promise<number>;
}

async function cycle(side: Side, member: Member): Promise<Cycle> {
  const suspension = await side.suspend(member);
  const reinstated = await side.reinstate(member);
  return { suspension, reinstated, voteAloneMs: await side.voteAlone(member) };
}

type SideName = 'project' | 'baseline';

/**
 * `rounds` measured cycles per member and side, the members in turn, alternating which side
 * goes first; a cycle that does not change every one of the member's verdicts, both ways, is a problem.
 */
async function alternateCycles(
  sides: Record<SideName, Side>,
  members: readonly Member[],
  rounds: number,
  log: (message: string) => void,
): Promise<{ samples: Record<SideName, Cycle[][]>; problems: Record<SideName, string[]> }> {
  const samples = { project: members.map(() => [] as Cycle[]), baseline: members.map(() => [] as Cycle[]) };
  const problems = { project: [] as string[], baseline: [] as string[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['project', 'baseline'] as const) : (['baseline', 'project'] as const);
    for (const [m, member] of members.entries()) {
      for (const name of order) {
        const measured = await cycle(sides[name], member);
        samples[name][m].push(measured);
        if (measured.suspension.result !== member.claims || measured.reinstated !== member.claims) {
          problems[name].push(
            `round ${round + 1}, ${member.claims} claims: the suspension changed ${measured.suspension.result} verdicts and the reinstatement ${measured.reinstated}, not ${member.claims}`,
          );
        }
        const { changeMs, voteMs, lockSeenMs } = measured.suspension;
        log(
          `  round ${round + 1}/${rounds} ${name}, ${member.claims} claims: suspension ${format.ms(changeMs)}, ` +
            `castVote answered ${format.ms(voteMs)} after the lock was seen (${lockSeenMs === null ? 'never seen' : `at ${format.ms(lockSeenMs)}`}), alone ${format.ms(measured.voteAloneMs)}`,
        );
      }
    }
  }
  return { samples, problems };
}

/** The project at `url`: the server that seeded the world has made way for a production one. */
function projectSide(world: World, url: string, monitor: Client): Side {
  const admin = new GraphQLClient(url, world.admin.token);
  const vote = (member: Member) => () =>
    new GraphQLClient(url, world.dissenter.token).op('CastVote', { input: { claimId: member.target, rating: 'TRUE', rationale: 'Seen in the footage' } });
  return {
    suspend: (member) =>
      measureLockWait(
        monitor,
        uuidOf(member.target),
        async () => (await admin.op('SuspendMember', { input: { membershipId: member.membershipId, reason } })).data.suspendMember.recomputedClaimCount,
        vote(member),
      ),
    reinstate: async (member) =>
      (await admin.op('ReinstateMember', { input: { membershipId: member.membershipId } })).data.reinstateMember.recomputedClaimCount,
    async voteAlone(member) {
      const startedAt = performance.now();
      await vote(member)();
      return performance.now() - startedAt;
    },
  };
}

/** Its statements per suspension at each size, counted on the development server that seeded; the member is reinstated after. */
async function projectStatements(world: World, member: Member): Promise<number> {
  const { data, headers } = await world.admin.api.op('SuspendMember', { input: { membershipId: member.membershipId, reason } });
  await world.admin.api.op('ReinstateMember', { input: { membershipId: member.membershipId } });
  if (data.suspendMember.recomputedClaimCount !== member.claims) {
    throw new Error(`the suspension of a member who voted on ${member.claims} claims changed ${data.suspendMember.recomputedClaimCount} verdicts`);
  }
  return Number(headers.get('x-sql-statements'));
}

function baselineSide(world: World, requests: ChildRequests): Side & { statements(member: Member): Promise<number> } {
  const standing = (member: Member, to: 'ACTIVE' | 'SUSPENDED'): StandingChange => ({
    membershipId: uuidOf(member.membershipId),
    reviewerId: uuidOf(member.account.id),
    organizationId: uuidOf(world.organizationId),
    from: to === 'SUSPENDED' ? 'ACTIVE' : 'SUSPENDED',
    to,
    actorId: uuidOf(world.admin.id),
    reason: to === 'SUSPENDED' ? reasons.suspended : reasons.reinstated,
  });
  const vote = (member: Member): RawVote => ({ claimId: uuidOf(member.target), reviewerId: uuidOf(world.dissenter.id), rating: 'TRUE' });
  const change = <T>(request: ChangeRequest) => requests.request<T>('change', request);
  return {
    async suspend(member) {
      const wait = await change<LockWait<ChangeOutcome>>({ change: standing(member, 'SUSPENDED'), vote: vote(member) });
      return { ...wait, result: wait.result.changed };
    },
    reinstate: async (member) => (await change<ChangeOutcome>({ change: standing(member, 'ACTIVE'), vote: null })).changed,
    voteAlone: (member) => requests.request<number>('vote', vote(member)),
    async statements(member) {
      const { statements } = await change<ChangeOutcome>({ change: standing(member, 'SUSPENDED'), vote: null });
      await change<ChangeOutcome>({ change: standing(member, 'ACTIVE'), vote: null });
      return statements;
    },
  };
}

/** After the run: every verdict is the rule on its stored votes, every log gapless with one VERDICT_CHANGED per version, every member ACTIVE. */
async function checkState(db: Inspector, world: World): Promise<string[]> {
  const claimIds = world.claimIds.map(uuidOf);
  const claims = await readStoredVerdicts(db, claimIds);
  const problems: string[] = [];
  const wrong = verdictsOffTheRule(claims, await readStoredBallots(db, claimIds), policy);
  if (wrong) problems.push(`${wrong} of ${claims.length} claims have a verdict that is not the rule applied to their stored votes`);
  for (const eventId of world.eventIds.map(uuidOf)) {
    const found = logProblems(await readLogStats(db, eventId), claims.filter((claim) => claim.event_id === eventId));
    problems.push(...found.map((problem) => `event ${eventId}: ${problem}`));
  }
  const [{ active }] = await db.query<{ active: number }>(`SELECT count(*)::int AS active FROM memberships WHERE id = ANY($1::uuid[]) AND status = 'ACTIVE'`, [
    world.members.map((member) => uuidOf(member.membershipId)),
  ]);
  if (active !== world.members.length) problems.push(`${world.members.length - active} members are not ACTIVE at the end`);
  return problems;
}

const median = (values: readonly number[]) => percentile([...values].sort((a, b) => a - b), 50);

function statementRow(sizes: readonly number[], statements: { project: number[]; baseline: number[] }): ResultRow {
  const at = sizes.indexOf(goal.claims) >= 0 ? sizes.indexOf(goal.claims) : sizes.length - 1;
  return {
    scenario: 'B8',
    measure: `SQL statements per suspension at ${sizes.map((n) => n.toLocaleString('en')).join(' / ')} claims`,
    project: statements.project.join(' / '),
    baseline: statements.baseline.join(' / '),
    ratio: format.ratio(statements.project[at] / statements.baseline[at]),
    goal: '—',
    pass: null,
  };
}

function sizeRows(claims: number, project: readonly Cycle[], baseline: readonly Cycle[]): ResultRow[] {
  const label = `${claims.toLocaleString('en')} claims`;
  const row = (measure: string, of: (cycle: Cycle) => number, goalText = '—', pass: boolean | null = null): ResultRow => {
    const values = [median(project.map(of)), median(baseline.map(of))];
    return {
      scenario: 'B8',
      measure: `${label}: ${measure}`,
      project: format.ms(values[0]),
      baseline: format.ms(values[1]),
      ratio: format.ratio(values[0] / values[1]),
      goal: goalText,
      pass,
    };
  };
  const hold = median(project.map((c) => c.suspension.voteMs));
  const atGoal = claims === goal.claims;
  return [
    row(`suspendMember latency, median of ${project.length}`, (c) => c.suspension.changeMs),
    row(
      `castVote on one of them, sent once the suspension holds it: answered after (lock hold), median of ${project.length}`,
      (c) => c.suspension.voteMs,
      atGoal ? `< ${goal.ms / 1000} s` : '—',
      atGoal ? hold < goal.ms && project.every((c) => c.suspension.lockSeenMs !== null) : null,
    ),
    row('suspendMember latency per claim', (c) => c.suspension.changeMs / claims),
  ];
}

function voteAloneRow(samples: Record<SideName, Cycle[][]>): ResultRow {
  const project = median(samples.project.flat().map((c) => c.voteAloneMs));
  const baseline = median(samples.baseline.flat().map((c) => c.voteAloneMs));
  return {
    scenario: 'B8',
    measure: `the same castVote alone, nothing in its way, median of ${samples.project.flat().length}`,
    project: format.ms(project),
    baseline: format.ms(baseline),
    ratio: format.ratio(project / baseline),
    goal: '—',
    pass: null,
  };
}

function checkRow(problems: Record<SideName, string[]>, stateProblems: readonly string[]): ResultRow {
  const summary = (found: readonly string[]) => (found.length ? `${found.length} problems, see the notes` : 'as expected');
  return {
    scenario: 'B8',
    measure: 'verdicts changed by every suspension and reinstatement; after the run, verdicts by the rule, logs gapless',
    project: summary([...problems.project, ...stateProblems]),
    baseline: summary([...problems.baseline, ...stateProblems]),
    ratio: '—',
    goal: 'as expected',
    pass: problems.project.length === 0 && stateProblems.length === 0,
  };
}

function sampleNote(side: SideName, claims: number, cycles: readonly Cycle[]): string {
  const list = (of: (cycle: Cycle) => number | null) => cycles.map((c) => (of(c) === null ? 'never' : of(c)!.toFixed(0))).join(', ');
  return (
    `${side === 'project' ? 'Project' : 'Baseline'} at ${claims.toLocaleString('en')} claims (ms): suspension ${list((c) => c.suspension.changeMs)}; ` +
    `lock seen after ${list((c) => c.suspension.lockSeenMs)}; castVote answered after ${list((c) => c.suspension.voteMs)}; alone ${list((c) => c.voteAloneMs)}.`
  );
}
