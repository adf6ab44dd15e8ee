import fc from 'fast-check';
import { operationTable } from '../../src/server/operation-table';

const ids = fc.constantFrom('1', '2', '10', 'a', 'b', '6f1c2a0e-3b7d-4c55-9b8e-2f7d1f0a9c31', '__proto__', 'constructor');
/** What graphql-ws does to ctx.subscriptions: ids set (to null while an operation starts) and deleted. */
const steps = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), id: ids, value: fc.oneof(fc.integer(), fc.constant(null)) }),
    fc.record({ kind: fc.constant('delete' as const), id: ids }),
  ),
  { maxLength: 30 },
);

/** What a record answers, read the ways graphql-ws and the server read it (key order aside). */
function observed(record: Record<string, unknown>) {
  const sorted = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    keys: Object.keys(record).sort(),
    spread: sorted(Object.entries({ ...record })),
    values: Object.values(record).map(String).sort(),
    probes: ['1', '2', '10', 'a', 'b', '__proto__', 'constructor', 'missing'].map((id) => [id in record, record[id] ?? 'absent']),
  };
}

test('the operation table answers as graphql-ws\'s null-prototype record would, after any sets and deletes', () => {
  fc.assert(
    fc.property(steps, (run) => {
      const table = operationTable();
      const reference: Record<string, unknown> = Object.create(null);
      for (const step of run) {
        if (step.kind === 'set') {
          table[step.id] = step.value;
          reference[step.id] = step.value;
        } else {
          delete table[step.id];
          delete reference[step.id];
        }
        expect(observed(table)).toEqual(observed(reference));
      }
    }),
    { numRuns: 500, seed: 2022_01_05 },
  );
});

test('a symbol key is no operation', () => {
  const table = operationTable();
  expect(Symbol.iterator in table).toBe(false);
  expect(Reflect.set(table, Symbol('x'), 1)).toBe(false);
  expect(Object.keys(table)).toEqual([]);
});
