import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root: the nearest folder above this file that holds package.json. The
 * bench runs compiled from dist/bench, so a fixed number of '..' would not do.
 */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schema'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** The compiled server entry point (`npm run build` writes it). */
export const serverEntry = () => join(repoRoot(), 'dist/src/main.js');

/** The compiled form of a bench module, for running it as a child process. */
export function compiledBenchModule(relative: string): string {
  return join(repoRoot(), 'dist/bench', relative.replace(/\.ts$/, '.js'));
}
