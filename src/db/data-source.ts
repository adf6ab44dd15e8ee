import 'reflect-metadata';
import { DataSource, DataSourceOptions, Logger, MigrationExecutor } from 'typeorm';
import { migrations } from '../../migrations';
import { ActivityEntity } from '../entities/activity.entity';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { InvitationEntity, MembershipEntity, OrganizationEntity } from '../entities/organization.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { VoteEntity, VoteEvidenceEntity } from '../entities/vote.entity';
import { countStatement } from './statement-count';
import { projectTypes } from './type-parsers';

export const entities = [
  ReviewerEntity,
  BreakingEventEntity,
  ClaimEntity,
  EvidenceEntity,
  VoteEntity,
  VoteEvidenceEntity,
  ActivityEntity,
  OrganizationEntity,
  MembershipEntity,
  InvitationEntity,
];

/** Counts every statement for the request that sent it; logs nothing itself. */
class StatementCounter implements Logger {
  logQuery() {
    countStatement();
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

/** TypeORM's DataSource, with how the hand-written statements of src/db/statements are sent on it. */
export class ProjectDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    /**
     * Whether they go as named prepared statements (statementName). Not on PGlite: it has one
     * session behind all its socket connections, so a statement prepared on one connection
     * already exists for the next (or for a new one after the pool dropped an idle one), which
     * pg does not know (42P05, duplicate prepared statement).
     */
    readonly namedStatements: boolean,
  ) {
    super(options);
  }
}

/** The one DataSource of a server: the pg driver, on PostgreSQL or on embedded PGlite alike. */
export function createDataSource(url: string, options: { poolSize: number; namedStatements: boolean }): ProjectDataSource {
  return new ProjectDataSource(
    {
      type: 'postgres',
      url,
      entities,
      migrations,
      migrationsTableName: 'migrations',
      synchronize: false,
      migrationsRun: false,
      poolSize: options.poolSize,
      logging: ['query'],
      logger: new StatementCounter(),
      extra: { connectionTimeoutMillis: 10_000, application_name: 'verification-backend', types: projectTypes },
    },
    options.namedStatements,
  );
}

/**
 * Runs pending migrations under a session advisory lock, so that several instances starting
 * together against one PostgreSQL database migrate it once.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('SELECT pg_advisory_lock(7261001)');
    // On the lock's own connection: the PGlite pool has only one.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    await executor.executePendingMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock(7261001)').catch(() => undefined);
    await runner.release();
  }
}
