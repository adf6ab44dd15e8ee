import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { projectRoot, sourceFiles } from '../support/source-files';

// Imports point down the layers: domain, then entities and db, then services, then live, then
// graphql and the public pages, then server. A lower layer that must tell a higher one
// something takes an interface the higher one implements (services/log-commits' CommitSignal).
const layers: Record<string, number> = {
  generated: 0,
  config: 0,
  domain: 0,
  observability: 1,
  entities: 2,
  db: 2,
  services: 3,
  live: 4,
  graphql: 5,
  publishing: 5,
  server: 6,
  demo: 7,
  'main.ts': 7,
};

const root = projectRoot;
const source = join(root, 'src');

const layerOf = (path: string) => {
  const top = relative(source, path).split(/[\\/]/)[0];
  const layer = layers[top];
  if (layer === undefined) throw new Error(`src/${top} has no layer: add it to tests/unit/layers.test.ts`);
  return { top, layer };
};

test('every import inside src points to the same layer or one below', () => {
  const upward: string[] = [];
  // src/generated is codegen's output: its enums sit at the bottom, and its resolver types name
  // the models above them (type imports, gone at run time), as codegen's mappers make them.
  for (const file of sourceFiles(source).filter((path) => layerOf(path).top !== 'generated')) {
    const from = layerOf(file);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      const target = join(dirname(file), specifier);
      if (relative(source, target).startsWith('..')) continue; // package.json, schema/: not code
      const to = layerOf(target);
      if (to.layer > from.layer) upward.push(`${relative(root, file)} imports ${specifier} (${from.top} → ${to.top})`);
    }
  }
  expect(upward).toEqual([]);
});
