import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot, sourceFiles } from '../support/source-files';

// One way to touch the database: TypeORM's repositories and QueryBuilder, inside the request's
// transaction; hand-written statements only in src/db/statements, each file naming the
// benchmark that needs it. This test fails when a module above src/db writes its own statement
// or reaches for the statements' plumbing.
const root = projectRoot;
const source = join(root, 'src');

/** `.query(` calls that are not SQL through TypeORM, with why they stay. */
const notTypeOrmQueries: Record<string, string> = {
  // graphql-jit's compiled operation is called `query`.
  'src/graphql/compiled-execution.ts': 'query.query(',
  // LISTEN on the log signal's own pg connection, which TypeORM does not hold.
  'src/live/log-signal.ts': 'next.query(`LISTEN',
};

const aboveDb = sourceFiles(source)
  .map((path) => ({ path: relative(root, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }))
  .filter(({ path }) => !path.startsWith('src/db/'));

test('no module above src/db imports the hand-written statements’ plumbing (queryRows, entity-rows, statement names)', () => {
  const offenders = aboveDb.filter(({ text }) => /from '(\.\.\/)+db\/statements\/(rows|entity-rows|named-statements|sql-parameters)'/.test(text)).map(({ path }) => path);
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

test('every file of src/db/statements says why it is written by hand: the benchmark that needs it, or what TypeORM cannot express', () => {
  const statements = sourceFiles(join(source, 'db', 'statements')).filter((path) => !/(rows|entity-rows|named-statements|sql-parameters)\.ts$/.test(path));
  const unjustified = statements.filter((path) => !/bench(mark)? B\d|TypeORM's builder cannot express/.test(readFileSync(path, 'utf8'))).map((path) => relative(root, path));
  expect(unjustified).toEqual([]);
});
