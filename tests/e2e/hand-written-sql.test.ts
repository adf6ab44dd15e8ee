import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { entities } from '../../src/db/data-source';
import { ActivityEntity } from '../../src/entities/activity.entity';
import { ClaimEntity } from '../../src/entities/claim.entity';
import { VoteEntity } from '../../src/entities/vote.entity';
import { activityInsertColumns } from '../../src/db/statements/event-log';
import { verdictRecord, voteInsertColumns } from '../../src/db/statements/vote-path';
import { startTestServer, TestServer } from '../support/test-server';

// The vote path's hand-written statements name columns themselves; TypeORM's metadata and the
// migrated schema are what they must agree with, so a column added to one and forgotten in a
// statement fails here rather than in production.
let server: TestServer;
let dataSource: DataSource;

beforeAll(async () => {
  server = await startTestServer();
  dataSource = server.server.app.dataSource;
});
afterAll(() => server.stop());

const columnsOf = (entity: EntityTarget<ObjectLiteral>) => dataSource.getMetadata(entity).columns;

test("upsertVote's INSERT writes every column of VoteEntity but its generated id", () => {
  const written = columnsOf(VoteEntity).filter((column) => !column.isGenerated).map((column) => column.databaseName);
  expect([...voteInsertColumns].sort()).toEqual(written.sort());
});

test("appendEntries' INSERT writes every column of ActivityEntity", () => {
  expect([...activityInsertColumns].sort()).toEqual(columnsOf(ActivityEntity).map((column) => column.databaseName).sort());
});

test("storeVerdicts' UPDATE sets every verdict column of ClaimEntity, and all of them are StoredVerdict's", () => {
  const verdictColumns = columnsOf(ClaimEntity).filter((column) => column.databaseName.startsWith('verdict_'));
  expect(verdictColumns.every((column) => column.embeddedMetadata?.propertyName === 'verdict')).toBe(true);
  const set = [...verdictRecord(dataSource).assignments.matchAll(/"(verdict_\w+)" = /g)].map((match) => match[1]);
  expect(set.sort()).toEqual(verdictColumns.map((column) => column.databaseName).sort());
});

test('every entity column exists in the migrated schema, and every required column of a table is an entity column', async () => {
  const rows: { table: string; column: string; required: boolean }[] = await dataSource.query(
    `SELECT table_name AS table, column_name AS column, (is_nullable = 'NO' AND column_default IS NULL) AS required
       FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  for (const entity of entities) {
    const metadata = dataSource.getMetadata(entity);
    const inTable = rows.filter((row) => row.table === metadata.tableName);
    const mapped = metadata.columns.map((column) => column.databaseName);
    expect({ table: metadata.tableName, missing: mapped.filter((name) => !inTable.some((row) => row.column === name)) }).toEqual({
      table: metadata.tableName,
      missing: [],
    });
    expect({ table: metadata.tableName, unmapped: inTable.filter((row) => row.required && !mapped.includes(row.column)).map((row) => row.column) }).toEqual({
      table: metadata.tableName,
      unmapped: [],
    });
  }
});
