import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { projectRoot, sourceFiles } from '../support/source-files';

// One way to touch the database: TypeORM's repositories and QueryBuilder, inside the request's
// transaction; hand-written statements only for the EventBoard's reads and the vote path, in
// src/db/statements, each file named in bench/README.md with what keeps it. This test fails when
// a module writes a statement of its own elsewhere or reaches for the statements' plumbing.
const root = projectRoot;
const source = join(root, 'src');

const files = sourceFiles(source).map((path) => ({ path: relative(root, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }));
const statementFiles = files.filter(({ path }) => path.startsWith('src/db/statements/'));
const aboveDb = files.filter(({ path }) => !path.startsWith('src/db/'));

/** The files that send hand-written SQL (through queryRows), and the fragments that build their statements. */
const handWritten = {
  // The EventBoard's reads (bench B1).
  'board-reads.ts': 'sends',
  'list-page.ts': 'sends',
  'list-filters.ts': 'builds',
  'claim-search.ts': 'builds',
  // The vote path (bench B2).
  'vote-path.ts': 'sends',
  'event-log.ts': 'sends',
  'rate-limit-store.ts': 'sends',
};
/** What sends them: the statements' plumbing, which writes no statement of its own. */
const plumbing = ['rows.ts', 'entity-rows.ts', 'named-statements.ts', 'sql-parameters.ts'];

/** `.query(` calls that are not SQL through TypeORM, with why they stay. */
const notTypeOrmQueries: Record<string, string> = {
  // graphql-jit's compiled operation is called `query`.
  'src/graphql/compiled-execution.ts': 'query.query(',
  // LISTEN on the log signal's own pg connection, which TypeORM does not hold.
  'src/live/log-signal.ts': 'next.query(`LISTEN',
};

const imports = (text: string, module: string) => new RegExp(`from '(\\./|(\\.\\./)+db/statements/)${module}'`).test(text);

test('src/db/statements holds the hand-written statements of the EventBoard and the vote path, and their plumbing, and nothing else', () => {
  expect(statementFiles.map(({ path }) => basename(path)).sort()).toEqual([...Object.keys(handWritten), ...plumbing].sort());
});

test('only those files send statements through queryRows', () => {
  const senders = files.filter(({ path, text }) => !path.endsWith('/rows.ts') && imports(text, 'rows')).map(({ path }) => basename(path));
  const expected = Object.entries(handWritten).filter(([, role]) => role === 'sends').map(([file]) => file);
  expect(senders.sort()).toEqual(expected.sort());
});

test('entityRows, the hand-written statements’ reader, serves only the EventBoard’s reads and the vote path', () => {
  const readers = files.filter(({ text }) => imports(text, 'entity-rows')).map(({ path }) => basename(path));
  expect(readers.sort()).toEqual(['board-reads.ts', 'list-page.ts', 'vote-path.ts']);
});

test('no module above src/db imports the hand-written statements’ plumbing (queryRows, entity-rows, statement names)', () => {
  const offenders = aboveDb.filter(({ text }) => plumbing.some((file) => imports(text, file.replace(/\.ts$/, '')))).map(({ path }) => path);
  expect(offenders).toEqual([]);
});

test('no module above src/db sends a statement of its own with .query()', () => {
  const offenders = aboveDb.flatMap(({ path, text }) =>
    text
      .split('\n')
      .map((line, i) => ({ line: line.trim(), at: `${path}:${i + 1}` }))
      .filter(({ line }) => line.includes('.query(') && !(notTypeOrmQueries[path] && line.includes(notTypeOrmQueries[path])))
      .map(({ at, line }) => `${at} ${line}`),
  );
  expect(offenders).toEqual([]);
});

test('bench/README.md names every hand-written statement file with what keeps it; src/db’s comments name no benchmark', () => {
  const readme = readFileSync(join(root, 'bench', 'README.md'), 'utf8');
  const shaped = readme.slice(readme.indexOf('## What the figures shaped in the code'), readme.indexOf('## Adding a scenario'));
  const unnamed = [...Object.keys(handWritten), 'entity-rows.ts', 'named-statements.ts'].filter((file) => !shaped.includes(`src/db/statements/${file}`));
  expect(unnamed).toEqual([]);
  const benchInComments = files
    .filter(({ path }) => path.startsWith('src/db/'))
    .filter(({ text }) => /\bbench(mark)?s?\b|\bB[1-9]\b/i.test(text))
    .map(({ path }) => path);
  expect(benchInComments).toEqual([]);
});
