import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { projectRoot, sourceFiles } from '../support/source-files';

// One walker over GraphQL documents: @graphql-tools/utils' collectFields and collectSubFields,
// which apply fragments, @include and @skip as execution does. graphql-query-complexity walks
// inside operation-cost.ts on its own, as the library that computes the cost. This test fails
// when a module walks a document another way: graphql-js's visitor, or its validation helpers.
// (A type import is no walk: graphql-armor's rules hand operation-limits.ts a ValidationContext.)
const walkersOtherThanTheOne = new Set(['visit', 'visitWithTypeInfo', 'visitInParallel', 'TypeInfo', 'ValidationContext']);

/** The values a module imports from graphql, by name. */
function graphqlValueImports(text: string): string[] {
  return [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'graphql'/g)].flatMap(([, names]) =>
    names
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name && !name.startsWith('type ')),
  );
}

test('no module walks a GraphQL document but through collectFields and collectSubFields', () => {
  const offenders = sourceFiles(`${projectRoot}/src`).flatMap((path) => {
    const walkers = graphqlValueImports(readFileSync(path, 'utf8')).filter((name) => walkersOtherThanTheOne.has(name));
    return walkers.map((name) => `${relative(projectRoot, path)}: ${name}`);
  });
  expect(offenders).toEqual([]);
});

test('the one walker is in use where documents are read: live groups, list projections, rate limits', () => {
  const users = sourceFiles(`${projectRoot}/src`)
    .filter((path) => /\bcollect(Sub)?Fields\b/.test(readFileSync(path, 'utf8')))
    .map((path) => relative(projectRoot, path).split('\\').join('/'))
    .sort();
  expect(users).toEqual(['src/graphql/node-projection.ts', 'src/live/operation-shape.ts', 'src/server/rate-limits.ts']);
});
