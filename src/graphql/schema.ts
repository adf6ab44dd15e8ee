import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { activityResolvers } from './resolvers/activity.resolvers';
import { claimResolvers } from './resolvers/claim.resolvers';
import { connectionResolvers } from './resolvers/connection.resolvers';
import { eventResolvers } from './resolvers/event.resolvers';
import { evidenceVoteResolvers } from './resolvers/evidence-vote.resolvers';
import { nodeResolvers } from './resolvers/node.resolvers';
import { organizationResolvers } from './resolvers/organization.resolvers';
import { reviewerResolvers } from './resolvers/reviewer.resolvers';

/** The project's root: the nearest folder above this file that holds schema/. */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'schema')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('schema/ not found above ' + __dirname);
    dir = parent;
  }
  return dir;
}

/** The SDL of schema/, the source of truth, in file-name order. */
function loadTypeDefs(): string[] {
  const dir = join(projectRoot(), 'schema');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/** One executable schema for HTTP and WebSocket alike. */
export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: [connectionResolvers, nodeResolvers, reviewerResolvers, eventResolvers, claimResolvers, evidenceVoteResolvers, activityResolvers, organizationResolvers],
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  });
}
