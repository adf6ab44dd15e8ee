import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The project's root, and its TypeScript sources below `dir`, recursively. */
export const projectRoot = join(__dirname, '..', '..');

export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}
