import { execute, isIntrospectionType, isObjectType, parse, validate, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DomainError } from '../../src/domain/errors';
import { ActivityEntity } from '../../src/entities/activity.entity';
import { buildSchema } from '../../src/graphql/schema';
import { isViewerDependent } from '../../src/live/viewer-dependent';
import { createRequestContext, type RequestContext } from '../../src/services/request-context';
import { reviewerForToken } from '../../src/services/reviewer-service';
import { contractDocument, ok } from '../support/client';
import { everyFieldDocument } from '../support/every-field';
import { collect, liveClient } from '../support/live-client';
import { largestVariables } from '../support/sample-variables';
import { startTestServer, TestServer } from '../support/test-server';
import { newEmail, signUp, World, type Member } from '../support/world';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.stop());

/** Fields with a resolver of their own, mutations aside, as "Type.field": all, those that ran, those that read the viewer. */
interface ViewerReads {
  fields: Set<string>;
  resolved: Set<string>;
  readers: Set<string>;
}

/**
 * Runs every resolver but the mutations' (which act as their viewer, for that viewer alone) with
 * a context that notes when it reads inside the viewer or loads through a loader keyed by the
 * viewer (loaders.ts names them viewer…). Telling anonymous from signed in only tests whether
 * there is a viewer, which the live group key already tells apart.
 */
function watchViewerReads(schema: GraphQLSchema): ViewerReads {
  const reads: ViewerReads = { fields: new Set(), resolved: new Set(), readers: new Set() };
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type) || type === schema.getMutationType()) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      const coordinate = `${type.name}.${field.name}`;
      reads.fields.add(coordinate);
      field.resolve = (source, args, ctx: RequestContext, info) => {
        reads.resolved.add(coordinate);
        return resolve(source, args, watching(ctx, () => reads.readers.add(coordinate)), info);
      };
    }
  }
  return reads;
}

/** The resolver's context; the viewer it hands out is watched wherever it goes (Query.viewer's value is the viewer). */
function watching(ctx: RequestContext, noteRead: () => void): RequestContext {
  const keyedByViewer = (name: string | symbol) => typeof name === 'string' && name.startsWith('viewer');
  // Read through `this`: a commit or a sign-in renews the wrapper's own viewer and loaders.
  return Object.create(ctx, {
    viewer: {
      get(this: RequestContext) {
        const viewer = Reflect.get(ctx, 'viewer', this) as RequestContext['viewer'];
        return (
          viewer &&
          new Proxy(viewer, {
            get: (target, key) => (noteRead(), Reflect.get(target, key)),
            has: (target, key) => (noteRead(), Reflect.has(target, key)),
          })
        );
      },
    },
    loaders: {
      get(this: RequestContext) {
        const loaders = Reflect.get(ctx, 'loaders', this) as RequestContext['loaders'];
        return new Proxy(loaders, { get: (target, name) => (keyedByViewer(name) && noteRead(), Reflect.get(target, name)) });
      },
    },
  });
}

/** The fields marked @viewerDependent, mutations aside. */
function markedFields(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap()).flatMap((type) =>
    isObjectType(type) && type !== schema.getMutationType()
      ? Object.values(type.getFields()).flatMap((field) => (isViewerDependent(schema, field) ? [`${type.name}.${field.name}`] : []))
      : [],
  );
}

/** A world that every operation can reach into: an org admin and an ADMIN to read it, and what variables name. */
async function worldToRead() {
  const world = await World.create(server.url);
  const organization = await world.organization('Vlast.kz');
  const email = newEmail();
  const code = await world.invite(organization, email, 'REVIEWER', world.admin, { orgAdmin: true });
  const orgAdmin = await signUp(world.anonymous, { displayName: 'Desk lead', invitationCode: code }, email);
  const colleague = await world.reviewer('Vlast.kz');
  const admin = await world.reviewer('Desk', 'ADMIN');
  const eventId = await world.openEvent(await world.editor(), { quorum: 2 });
  const claimId = await world.submitClaim(colleague, eventId, 'The airport was seized');
  const otherClaimId = await world.submitClaim(colleague, eventId, 'The airport is closed');
  const evidence = ok(await colleague.api.op('AddEvidence', { input: { claimId, stance: 'REFUTES', url: 'https://example.org/flights' } }));
  const evidenceId = evidence.addEvidence.evidence.id as string;
  await world.vote(colleague, claimId, 'FALSE', { evidenceIds: [evidenceId] });
  await world.vote(orgAdmin, claimId, 'MOSTLY_FALSE');
  const membershipId = ok(await colleague.api.op('ViewerMembership')).viewer.membership.id as string;
  return {
    viewers: [orgAdmin, admin] as Member[],
    /** What an operation's `$id` may name: it runs once for each. */
    objects: [eventId, claimId, evidenceId, organization, membershipId, colleague.id],
    /** Variables (and input fields) by name; a sample of the right type for the others. */
    known: () => ({
      eventId,
      claimId,
      duplicateOfId: otherClaimId,
      evidenceIds: [evidenceId],
      organizationId: organization,
      membershipId,
      reviewerId: colleague.id,
      email: newEmail(),
      invitationCode: null,
      // Each list's default page, from the start, unfiltered.
      first: null,
      after: null,
      filter: null,
      status: null,
    }),
  };
}

function rootField(operation: OperationDefinitionNode): string | undefined {
  const [selection] = operation.selectionSet.selections;
  return selection.kind === 'Field' ? selection.name.value : undefined;
}

function withKnown(value: unknown, known: Record<string, unknown>): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, name in known ? known[name] : withKnown(inner, known)]));
}

test('every field whose resolver reads the viewer, beyond whether there is one, is marked @viewerDependent', async () => {
  const { app } = server.server;
  const { viewers, objects, known } = await worldToRead();
  const schema = buildSchema();
  const reads = watchViewerReads(schema);
  // What clients send, and every field that no operation of theirs selects yet.
  const everyField = everyFieldDocument(schema);
  expect(validate(schema, everyField)).toEqual([]);
  const operations = [parse(contractDocument), everyField].flatMap((document) =>
    document.definitions.flatMap((operation) => (operation.kind === 'OperationDefinition' ? [{ document, operation }] : [])),
  );
  // A subscription's selection runs for each log entry it delivers (verdictChanged: the verdict
  // changes), as live delivery runs it.
  const entries = await app.dataSource.manager.find(ActivityEntity, { order: { eventId: 'ASC', position: 'ASC' } });
  const delivered = (operation: OperationDefinitionNode) =>
    operation.operation !== 'subscription' ? [undefined] : rootField(operation) === 'verdictChanged' ? entries.filter((entry) => entry.type === 'VERDICT_CHANGED') : entries;
  const unexpected: GraphQLError[] = [];
  // Reads first, then the mutations, which change (and close) what the reads look at.
  const mutation = ({ operation }: (typeof operations)[number]) => operation.operation === 'mutation';
  for (const { document, operation } of [...operations.filter((o) => !mutation(o)), ...operations.filter(mutation)]) {
    const operationName = operation.name!.value;
    const sample = largestVariables(schema, document, operationName);
    for (const viewer of viewers) {
      for (const id of 'id' in sample ? objects : [undefined]) {
        for (const rootValue of delivered(operation)) {
          const variableValues = withKnown(sample, { ...known(), id }) as Record<string, unknown>;
          const contextValue = createRequestContext(app, await reviewerForToken({ app }, viewer.token));
          const { errors = [] } = await execute({ schema, document, operationName, variableValues, contextValue, rootValue });
          unexpected.push(...errors.filter((error) => !(error.originalError instanceof DomainError)));
        }
      }
    }
  }
  expect(unexpected).toEqual([]);
  // Every resolver ran: nothing was left unwatched.
  expect([...reads.fields].filter((field) => !reads.resolved.has(field))).toEqual([]);

  const marked = markedFields(schema);
  expect([...reads.readers].filter((field) => !marked.includes(field))).toEqual([]);
  // And no field is marked for nothing: a mark costs the sharing of live results.
  expect(marked.filter((field) => !reads.readers.has(field))).toEqual([]);
});

const ownViewCases = [
  {
    selecting: 'selects a @viewerDependent field',
    query: `
      subscription Mine($eventId: ID!, $after: String) { activity(eventId: $eventId, after: $after) { type claim { ...Mine } } }
      fragment Mine on Claim { viewerVote { rating } }`,
    variables: {},
  },
  {
    // The group's walk cannot tell what such an operation selects for every value: it assumes the worst.
    selecting: 'selects a @viewerDependent field where a variable decides it',
    query: `
      subscription Mine($eventId: ID!, $after: String, $mine: Boolean!) { activity(eventId: $eventId, after: $after) { type claim { ...Mine @include(if: $mine) } } }
      fragment Mine on Claim { viewerVote { rating } }`,
    variables: { mine: true },
  },
];

test.each(ownViewCases)('live subscribers whose operation $selecting each get their own view', async ({ query, variables }) => {
  const world = await World.create(server.url);
  const [first, second] = [await world.reviewer(), await world.reviewer()];
  const eventId = await world.openEvent(await world.editor(), { quorum: 3 });
  const claimId = await world.submitClaim(first, eventId, 'The bridge was closed');
  await world.vote(first, claimId, 'FALSE');
  await world.vote(second, claimId, 'TRUE');
  const after = ok(await world.anonymous.op('ActivitySince', { eventId, first: 100 })).activity.pageInfo.endCursor;
  const sockets = [liveClient(server.url, first.token), liveClient(server.url, second.token)];
  try {
    const [mine, theirs] = sockets.map((socket) => collect(socket.client, 'Mine', { eventId, after, ...variables }, query));
    ok(await first.api.op('AddEvidence', { input: { claimId, stance: 'CONTEXT', url: 'https://example.org/bridge' } }));
    expect((await mine.take(1))[0].data.activity.claim.viewerVote).toEqual({ rating: 'FALSE' });
    expect((await theirs.take(1))[0].data.activity.claim.viewerVote).toEqual({ rating: 'TRUE' });
  } finally {
    await Promise.all(sockets.map((socket) => socket.dispose()));
  }
});
