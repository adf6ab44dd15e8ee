import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { preProcessFile } from 'typescript';
import { projectRoot, sourceFiles } from '../support/source-files';

// Imports point down the layers: domain, then entities and db, then services, then live, then
// graphql and the public pages, then server. A lower layer that must tell a higher one
// something takes an interface the higher one implements (services/log-commits' CommitSignal).
// A folder sits in one layer, except codegen's output: the schema's own types import nothing
// from src and sit at the bottom; the resolver types name the models they resolve from
// (codegen's mappers), so they sit with the resolvers that use them.
const layers: Record<string, number> = {
  'generated/schema-types.ts': 0,
  config: 0,
  domain: 0,
  observability: 1,
  entities: 2,
  db: 2,
  services: 3,
  live: 4,
  graphql: 5,
  'generated/resolvers.ts': 5,
  publishing: 5,
  server: 6,
  demo: 7,
  'main.ts': 7,
};

const root = projectRoot;
const source = join(root, 'src');

/** The file's own entry in `layers`, else its folder's. */
const layerOf = (path: string) => {
  const name = relative(source, path).split(sep).join('/');
  const unit = name in layers ? name : name.split('/')[0];
  const layer = layers[unit];
  if (layer === undefined) throw new Error(`src/${unit} has no layer: add it to tests/unit/layers.test.ts`);
  return { unit, layer };
};

/** The src file a relative specifier names, as TypeScript resolves it; undefined outside src. */
const resolveImport = (file: string, specifier: string): string | undefined => {
  const target = join(dirname(file), specifier);
  if (relative(source, target).startsWith('..')) return undefined; // migrations/, package.json: not src
  const candidates = [target, `${target}.ts`, `${target}.tsx`, join(target, 'index.ts')];
  const found = candidates.find((path) => /\.tsx?$/.test(path) && existsSync(path));
  if (found === undefined) throw new Error(`${relative(root, file)} imports ${specifier}, which names no TypeScript file`);
  return found;
};

/**
 * Every src file and the src files it imports. Type-only imports count: `import type`, `export
 * type ... from` and `import('...')` types tie the modules together as much as values do.
 */
const importGraph = (): Map<string, string[]> => {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(source)) {
    const targets = preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles.filter(({ fileName }) => fileName.startsWith('.'))
      .flatMap(({ fileName }) => resolveImport(file, fileName) ?? []);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
};

/** The first cycle a depth-first walk meets, as the files around it, or undefined. */
const findCycle = (graph: Map<string, string[]>): string[] | undefined => {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (file: string): string[] | undefined => {
    if (onPath.has(file)) return [...path.slice(path.indexOf(file)), file];
    if (done.has(file)) return undefined;
    path.push(file);
    onPath.add(file);
    for (const target of graph.get(file) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(file);
    done.add(file);
    return undefined;
  };
  for (const file of [...graph.keys()].sort()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
};

test('every import inside src, type-only ones too, points to the same layer or one below', () => {
  const upward: string[] = [];
  for (const [file, targets] of importGraph()) {
    const from = layerOf(file);
    for (const target of targets) {
      const to = layerOf(target);
      if (to.layer > from.layer) upward.push(`${relative(root, file)} imports ${relative(root, target)} (${from.unit} → ${to.unit})`);
    }
  }
  expect(upward).toEqual([]);
});

test('no import cycle among the files of src, counting type-only imports', () => {
  const cycle = findCycle(importGraph());
  expect(cycle?.map((file) => relative(root, file)).join(' → ')).toBeUndefined();
});
