import { ListOrders } from '../../src/services/list-orders';

/**
 * A node that records which of its own properties are read: what a sort key reads decides which
 * columns a list selects when a cursor is asked for (src/graphql/node-projection.ts), so a key
 * that reads a property its order does not declare would meet an unselected column.
 */
function recordingNode(read: Set<string>): never {
  const anything: unknown = new Proxy(() => 0, { get: () => anything });
  return new Proxy({}, { get: (_, property) => (read.add(String(property)), anything) }) as never;
}

test.each(Object.entries(ListOrders))('%s declares every property its sort key reads', (_, order) => {
  const read = new Set<string>();
  order.keyOf(recordingNode(read));
  expect([...read].sort()).toEqual([...order.reads].sort());
});
