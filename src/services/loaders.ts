import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import {
  activeOrganizations,
  administeredOrganizations,
  ChildList,
  ChildLists,
  ChildPage,
  childPages,
  Counted,
  countsByKey,
  currentMemberships,
  entitiesById,
  evidenceOfVotes,
  verdictCounts,
  voterStandings,
  votesOfReviewer,
} from '../db/statements/board-reads';
import type { ActivityEntity } from '../entities/activity.entity';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { MembershipEntity, OrganizationEntity } from '../entities/organization.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { VoteEntity } from '../entities/vote.entity';
import { Role } from '../generated/graphql';
import { EventStatsModel, statsFrom } from './event-stats';

/** A page of children of one parent: up to `limit + 1` rows after the cursor, in list order. */
export interface ChildPageKey extends ChildPage {
  parentId: string;
}

/**
 * The request's DataLoaders: every list below a list (a claim's evidence, votes, history) is
 * read in one statement per field for all parents at once, so a page of 5 or 50 claims costs
 * the same number of statements.
 */
export function createLoaders(dataSource: DataSource, viewer: ReviewerEntity | null) {
  const byId = <T extends ObjectLiteral & { id: string }>(entity: EntityTarget<T>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const found = new Map((await entitiesById(dataSource, entity, ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });

  const countOf = (counted: (typeof Counted)[keyof typeof Counted]) =>
    new DataLoader<string, number, string>(async (keys) => {
      const counts = await countsByKey(dataSource, counted, keys);
      return keys.map((key) => counts.get(key) ?? 0);
    });

  return lazily({
    reviewer: () => byId(ReviewerEntity),
    event: () => byId(BreakingEventEntity),
    claim: () => byId(ClaimEntity),
    evidence: () => byId(EvidenceEntity),
    vote: () => byId(VoteEntity),
    organization: () => byId(OrganizationEntity),
    membership: () => byId(MembershipEntity),

    /** ACTIVE members per organisation. */
    memberCount: () => countOf(Counted.activeMembers),
    /** The organisation in which each reviewer is an ACTIVE member, if any. */
    activeOrganization: () => new DataLoader<string, OrganizationEntity | null>(async (reviewerIds) => {
      const found = await activeOrganizations(dataSource, reviewerIds);
      return reviewerIds.map((reviewerId) => found.get(reviewerId) ?? null);
    }),
    /** Each reviewer's current membership: a SUSPENDED one first, then the ACTIVE one, then the newest REQUESTED. */
    currentMembership: () => new DataLoader<string, MembershipEntity | null>(async (reviewerIds) => {
      const memberships = await currentMemberships(dataSource, reviewerIds);
      return reviewerIds.map((reviewerId) => memberships.find((membership) => membership.reviewerId === reviewerId) ?? null);
    }),
    /** Each reviewer's role and whether any membership of theirs is SUSPENDED: what decides whether their votes count. */
    voterStanding: () => new DataLoader<string, { role: Role; suspended: boolean }>(async (reviewerIds) => {
      const rows = await voterStandings(dataSource, reviewerIds);
      return reviewerIds.map((id) => rows.find((row) => row.id === id) ?? { role: Role.Observer, suspended: false });
    }),
    /** Whether the viewer is an ACTIVE orgAdmin member of each organisation. */
    viewerAdministers: () => new DataLoader<string, boolean>(async (organizationIds) => {
      if (!viewer) return organizationIds.map(() => false);
      const administered = await administeredOrganizations(dataSource, viewer.id, organizationIds);
      return organizationIds.map((organizationId) => administered.has(organizationId));
    }),

    evidencePage: () => childPageLoader(dataSource, ChildLists.evidence, 'claimId'),
    /** Keys: `claimId` or `claimId:STANCE`. */
    evidenceCount: () => countOf(Counted.evidence),
    votesPage: () => childPageLoader(dataSource, ChildLists.votes, 'claimId'),
    votesCount: () => countOf(Counted.votes),
    voteEvidence: () => new DataLoader<string, EvidenceEntity[]>(async (voteIds) => {
      const byVote = await evidenceOfVotes(dataSource, voteIds);
      return voteIds.map((voteId) => byVote.get(voteId) ?? []);
    }),
    viewerVote: () => new DataLoader<string, VoteEntity | null>(async (claimIds) => {
      if (!viewer) return claimIds.map(() => null);
      const votes = await votesOfReviewer(dataSource, viewer.id, claimIds);
      return claimIds.map((claimId) => votes.find((vote) => vote.claimId === claimId) ?? null);
    }),
    historyPage: () => childPageLoader<ActivityEntity>(dataSource, ChildLists.verdictHistory, 'claimId'),
    eventStats: () => new DataLoader<string, EventStatsModel>(async (eventIds) => {
      const rows = await verdictCounts(dataSource, eventIds);
      return eventIds.map((eventId) => statsFrom(rows.filter((row) => row.eventId === eventId)));
    }),
    historyCount: () => countOf(Counted.verdictChanges),
  });
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * An object whose members are made on first use: a request (or an idle subscription) pays only
 * for the loaders it touches (bench B4: 14 unused DataLoaders were ~7 KB per subscription). The
 * getters live on a prototype made once per set of names, not on each request's object.
 */
function lazily<T extends Record<string, () => unknown>>(factories: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const names = Object.keys(factories);
  const key = names.join(' ');
  let prototype = lazyPrototypes.get(key);
  if (!prototype) lazyPrototypes.set(key, (prototype = lazyPrototype(names)));
  const members = Object.create(prototype) as LazyMembers;
  members.factories = factories;
  members.made = {};
  return members as unknown as { readonly [K in keyof T]: ReturnType<T[K]> };
}

interface LazyMembers {
  factories: Record<string, () => unknown>;
  made: Record<string, unknown>;
}

const lazyPrototypes = new Map<string, object>();

function lazyPrototype(names: readonly string[]): object {
  const prototype = {};
  for (const name of names) {
    Object.defineProperty(prototype, name, {
      enumerable: true,
      get(this: LazyMembers) {
        return (this.made[name] ??= this.factories[name]());
      },
    });
  }
  return prototype;
}

/**
 * Pages of children for many parents: keys with the same page arguments are read in one
 * statement (childPages), one statement per group.
 */
function childPageLoader<T extends ObjectLiteral>(dataSource: DataSource, list: ChildList<T>, parentProperty: keyof T & string) {
  // Not cached: a key is made of arrays and cursors, and building and hashing a string for each
  // (40 per EventBoard) cost more than the rare page asked for twice, which is read once here.
  return new DataLoader<ChildPageKey, T[]>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey[]>();
      for (const key of keys) {
        const page = pageArguments(key);
        let group = groups.get(page);
        if (!group) groups.set(page, (group = []));
        group.push(key);
      }
      const pages = new Map<ChildPageKey, T[]>();
      for (const group of groups.values()) {
        const byParent = new Map(group.map((key) => [key.parentId, [] as T[]]));
        for (const row of await childPages(dataSource, list, group[0], [...byParent.keys()])) byParent.get(row[parentProperty] as string)?.push(row);
        for (const key of group) pages.set(key, byParent.get(key.parentId)!);
      }
      return keys.map((key) => pages.get(key) ?? []);
    },
    { cache: false },
  );
}

/**
 * What a page asks for besides its parent: keys alike in this are read in one statement. Made
 * for every key of every list (40 per EventBoard), so built plainly: no part holds a space, and
 * a property list, shared by all the keys of one field, is joined once.
 */
function pageArguments(key: ChildPageKey): string {
  return `${key.limit} ${key.after?.join(',') ?? '-'} ${key.stance ?? '-'} ${key.only ? joinedOnce(key.only) : '*'}`;
}

const joined = new WeakMap<readonly string[], string>();

function joinedOnce(properties: readonly string[]): string {
  let text = joined.get(properties);
  if (text === undefined) joined.set(properties, (text = properties.join(',')));
  return text;
}
