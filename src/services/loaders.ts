import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { ChildList, ChildLists, ChildPage, childPages, Counted, countsByKey, entitiesById, verdictCounts } from '../db/statements/board-reads';
import { committedLogHeads } from '../db/statements/event-log';
import { suspendedSql } from '../db/statements/vote-path';
import { ActivityEntity } from '../entities/activity.entity';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import { EvidenceEntity } from '../entities/evidence.entity';
import { MembershipEntity, OrganizationEntity } from '../entities/organization.entity';
import { ReviewerEntity } from '../entities/reviewer.entity';
import { VoteEntity, VoteEvidenceEntity } from '../entities/vote.entity';
import { ActivityType, MembershipStatus, Role } from '../generated/schema-types';
import { EventStatsModel, statsFrom } from './event-stats';

/** A page of children of one parent: up to `limit + 1` rows after the cursor, in list order. */
interface ChildPageKey extends ChildPage {
  parentId: string;
}

/**
 * The request's DataLoaders: every list below a list (a claim's evidence, votes, history) is
 * read in one statement per field for all parents at once, so a page of 5 or 50 claims costs
 * the same number of statements. Each loader is made on first use: a request, or an idle
 * subscription, pays only for those it touches.
 */
export class Loaders {
  private readonly made: Record<string, unknown> = {};

  constructor(
    private readonly dataSource: DataSource,
    private readonly viewer: ReviewerEntity | null,
  ) {}

  get reviewer() { return this.once('reviewer', () => this.byId(ReviewerEntity)); }
  get event() { return this.once('event', () => this.byId(BreakingEventEntity)); }
  get claim() { return this.once('claim', () => this.byId(ClaimEntity)); }
  get evidence() { return this.once('evidence', () => this.byId(EvidenceEntity)); }
  get vote() { return this.once('vote', () => this.byId(VoteEntity)); }
  get organization() { return this.once('organization', () => this.byId(OrganizationEntity)); }
  get membership() { return this.once('membership', () => this.byId(MembershipEntity)); }

  /** ACTIVE members per organisation. */
  get memberCount() {
    return this.once('memberCount', () => keyedCount(this.dataSource, MembershipEntity, 'organizationId', { status: MembershipStatus.Active }));
  }

  /** The organisation in which each reviewer is an ACTIVE member, if any. */
  get activeOrganization() {
    return this.once('activeOrganization', () => new DataLoader<string, OrganizationEntity | null>(async (reviewerIds) => {
      const found = await linked(this.dataSource, OrganizationEntity, MembershipEntity, { key: 'reviewerId', target: 'organizationId' }, reviewerIds, (query) =>
        query.andWhere('l.status = :active', { active: MembershipStatus.Active }),
      );
      return reviewerIds.map((reviewerId) => found.get(reviewerId)![0] ?? null);
    }));
  }

  /** Each reviewer's current membership: a SUSPENDED one first, then the ACTIVE one, then the newest REQUESTED. */
  get currentMembership() {
    return this.once('currentMembership', () => new DataLoader<string, MembershipEntity | null>(async (reviewerIds) => {
      const memberships = await this.dataSource
        .getRepository(MembershipEntity)
        .createQueryBuilder('m')
        .where('m.reviewerId IN (:...reviewerIds)', { reviewerIds })
        .andWhere('m.status <> :declined', { declined: MembershipStatus.Declined })
        .orderBy('array_position(ARRAY[:...first]::text[], m.status)')
        .addOrderBy('m.updatedAt', 'DESC')
        .addOrderBy('m.id')
        .setParameter('first', [MembershipStatus.Suspended, MembershipStatus.Active, MembershipStatus.Requested])
        .getMany();
      return reviewerIds.map((reviewerId) => memberships.find((membership) => membership.reviewerId === reviewerId) ?? null);
    }));
  }

  /** Each reviewer's role and whether any membership of theirs is SUSPENDED: what decides whether their votes count. */
  get voterStanding() {
    return this.once('voterStanding', () => new DataLoader<string, { role: Role; suspended: boolean }>(async (reviewerIds) => {
      const rows = await this.dataSource
        .getRepository(ReviewerEntity)
        .createQueryBuilder('r')
        .select('r.id', 'id')
        .addSelect('r.role', 'role')
        .addSelect(suspendedSql('r.id'), 'suspended')
        .where('r.id IN (:...reviewerIds)', { reviewerIds })
        .getRawMany<{ id: string; role: Role; suspended: boolean }>();
      return reviewerIds.map((id) => rows.find((row) => row.id === id) ?? { role: Role.Observer, suspended: false });
    }));
  }

  /** Whether the viewer is an ACTIVE orgAdmin member of each organisation. */
  get viewerAdministers() {
    return this.once('viewerAdministers', () => new DataLoader<string, boolean>(async (organizationIds) => {
      if (!this.viewer) return organizationIds.map(() => false);
      const memberships = await this.dataSource.getRepository(MembershipEntity).find({
        select: { organizationId: true },
        where: { reviewerId: this.viewer.id, organizationId: In([...organizationIds]), status: MembershipStatus.Active, orgAdmin: true },
      });
      const administered = new Set(memberships.map((membership) => membership.organizationId));
      return organizationIds.map((organizationId) => administered.has(organizationId));
    }));
  }

  get evidencePage() { return this.once('evidencePage', () => childPageLoader(this.dataSource, ChildLists.evidence, 'claimId')); }
  /** Keys: `claimId` or `claimId:STANCE`. */
  get evidenceCount() { return this.once('evidenceCount', () => this.countOf(Counted.evidence)); }
  get votesPage() { return this.once('votesPage', () => childPageLoader(this.dataSource, ChildLists.votes, 'claimId')); }
  get votesCount() { return this.once('votesCount', () => this.countOf(Counted.votes)); }

  get voteEvidence() {
    return this.once('voteEvidence', () => new DataLoader<string, EvidenceEntity[]>(async (voteIds) => {
      const found = await linked(this.dataSource, EvidenceEntity, VoteEvidenceEntity, { key: 'voteId', target: 'evidenceId' }, voteIds, (query) =>
        query.orderBy('e.createdAt').addOrderBy('e.id'),
      );
      return voteIds.map((voteId) => found.get(voteId)!);
    }));
  }

  get viewerVote() {
    return this.once('viewerVote', () => new DataLoader<string, VoteEntity | null>(async (claimIds) => {
      if (!this.viewer) return claimIds.map(() => null);
      const votes = await this.dataSource.getRepository(VoteEntity).findBy({ reviewerId: this.viewer.id, claimId: In([...claimIds]) });
      return claimIds.map((claimId) => votes.find((vote) => vote.claimId === claimId) ?? null);
    }));
  }

  get historyPage() { return this.once('historyPage', () => childPageLoader<ActivityEntity>(this.dataSource, ChildLists.verdictHistory, 'claimId')); }
  /** The position of each event's newest committed log entry; 0 while its log is empty. */
  get logHead() {
    return this.once('logHead', () => new DataLoader<string, number>(async (eventIds) => {
      const heads = await committedLogHeads(this.dataSource, eventIds);
      return eventIds.map((eventId) => heads.get(eventId) ?? 0);
    }));
  }

  get historyCount() {
    return this.once('historyCount', () => keyedCount(this.dataSource, ActivityEntity, 'claimId', { type: ActivityType.VerdictChanged }));
  }

  get eventStats() {
    return this.once('eventStats', () => new DataLoader<string, EventStatsModel>(async (eventIds) => {
      const rows = await verdictCounts(this.dataSource, eventIds);
      return eventIds.map((eventId) => statsFrom(rows.filter((row) => row.eventId === eventId)));
    }));
  }

  private once<T>(name: keyof Loaders, make: () => T): T {
    return (this.made[name] ??= make()) as T;
  }

  private byId<T extends ObjectLiteral & { id: string }>(entity: EntityTarget<T>) {
    return new DataLoader<string, T | null>(async (ids) => {
      const found = new Map((await entitiesById(this.dataSource, entity, ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    });
  }

  private countOf(counted: (typeof Counted)[keyof typeof Counted]) {
    return new DataLoader<string, number, string>(async (keys) => {
      const counts = await countsByKey(this.dataSource, counted, keys);
      return keys.map((key) => counts.get(key) ?? 0);
    });
  }
}

/**
 * The rows of `entity` (alias `e`) that each key reaches through the link table `link` (alias
 * `l`): link rows whose `key` column is one of `keys` join `e` on their `target` column;
 * `refine` adds conditions and order. Every key has a list, empty when it reaches none.
 */
async function linked<T extends ObjectLiteral & { id: string }, L extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  link: new () => L,
  columns: { key: keyof L & string; target: keyof L & string },
  keys: readonly string[],
  refine: (query: SelectQueryBuilder<T>) => SelectQueryBuilder<T>,
): Promise<Map<string, T[]>> {
  const { key, target } = columns;
  const query = dataSource
    .getRepository(entity)
    .createQueryBuilder('e')
    .innerJoin(link, 'l', `l.${target} = e.id`)
    .addSelect(`l.${key}`, 'key')
    .addSelect(`l.${target}`, 'target')
    .where(`l.${key} IN (:...keys)`, { keys });
  const { entities, raw } = await refine(query).getRawAndEntities<{ key: string; target: string }>();
  const byId = new Map(entities.map((row) => [row.id, row]));
  const reached = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const row of raw) reached.get(row.key)!.push(byId.get(row.target)!);
  return reached;
}

/** Rows of `entity` per value of its `key` property that also have the `where` values; 0 for a key with none. */
function keyedCount<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, key: keyof T & string, where: Partial<Record<keyof T, unknown>>) {
  return new DataLoader<string, number>(async (keys) => {
    const query = dataSource
      .getRepository(entity)
      .createQueryBuilder('x')
      .select(`x.${key}`, 'key')
      .addSelect('count(*)', 'count')
      .where(`x.${key} IN (:...keys)`, { keys })
      .groupBy(`x.${key}`);
    for (const [property, value] of Object.entries(where)) query.andWhere(`x.${property} = :${property}`, { [property]: value });
    const counts = new Map((await query.getRawMany<{ key: string; count: number }>()).map((row) => [row.key, row.count]));
    return keys.map((k) => counts.get(k) ?? 0);
  });
}

/**
 * Pages of children for many parents: keys with the same page arguments are read in one
 * statement (childPages), one statement per group.
 */
function childPageLoader<T extends ObjectLiteral>(dataSource: DataSource, list: ChildList<T>, parentProperty: keyof T & string) {
  // Not cached: a key is made of arrays and cursors; a page asked for twice in one batch is read once here.
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
 * What a page asks for besides its parent: keys alike in this are read in one statement. No
 * part holds a space; a property list, shared by all the keys of one field, is joined once.
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
