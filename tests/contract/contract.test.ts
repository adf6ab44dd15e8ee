import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('the schema keeps the contract and every extension it has built: no breaking change, every operation valid (--strict)', () => {
  const root = join(__dirname, '../..');
  const run = spawnSync(process.execPath, [join(root, '../shared/contract/check.mjs'), '--strict'], { cwd: root, encoding: 'utf8' });
  expect(run.stdout).toContain('contract: 0 breaking changes, 0 invalid of');
  expect(run.stdout).toContain('contract extension trust: holds');
  expect(run.status).toBe(0);
});
