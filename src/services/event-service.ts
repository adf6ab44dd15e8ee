import { EntityManager, IsNull, Not } from 'typeorm';
import { z } from 'zod';
import { BreakingEventEntity } from '../entities/breaking-event.entity';
import { ClaimEntity } from '../entities/claim.entity';
import {
  ActivityType,
  EventStatus,
  Role,
  VerdictStatus,
  type CloseEventInput,
  type OpenEventInput,
  type UpdateEventInput,
} from '../generated/schema-types';
import { conflict } from '../domain/errors';
import { decodeGlobalId } from '../domain/global-id';
import { Limits, optionalText, parseInput, text } from '../domain/input-rules';
import { applyPolicyChange, ConsensusPolicy, DEFAULT_POLICY, samePolicy } from '../domain/policy';
import { requireRole } from '../domain/roles';
import { createLogHead } from '../db/statements/event-log';
import { appendActivity, NewActivity } from './activity-log';
import { lockEvent } from './claim-locks';
import { ListOrders } from './list-orders';
import { builtConnection, ConnectionModel } from './pagination';
import type { RequestContext } from './request-context';
import { transact } from './unit-of-work';
import { ballotsOf, changeVerdicts, ruleTarget } from './verdict-changes';
import type { EventStatsModel } from './event-stats';

const openEventInput = z.object({
  title: text(Limits.shortText),
  description: optionalText(Limits.longText),
  region: optionalText(Limits.shortText),
  startedAt: z.date().nullish(),
});

const updateEventInput = z.object({
  title: text(Limits.shortText).nullish(),
  description: optionalText(Limits.longText),
  region: optionalText(Limits.shortText),
});

export function policyOf(event: BreakingEventEntity): ConsensusPolicy {
  return { quorum: event.quorum, threshold: event.threshold, minOrganizations: event.minOrganizations };
}

/** EDITOR or ADMIN. */
export async function openEvent(ctx: RequestContext, input: OpenEventInput): Promise<BreakingEventEntity> {
  const actor = requireRole(ctx.viewer, Role.Editor);
  const fields = parseInput(openEventInput, input);
  const policy = applyPolicyChange(DEFAULT_POLICY, input.policy);
  return transact(ctx, async (tx, unit) => {
    const now = new Date();
    const event = await tx.save(
      tx.create(BreakingEventEntity, {
        title: fields.title,
        description: fields.description ?? null,
        region: fields.region ?? null,
        status: EventStatus.Active,
        startedAt: fields.startedAt ?? now,
        ...policy,
        createdById: actor.id,
      }),
    );
    await createLogHead(tx, event.id);
    await appendActivity(unit, event.id, [{ type: ActivityType.EventOpened, actorId: actor.id }], now);
    return event;
  });
}

/** EDITOR or ADMIN. A new policy recomputes every unpublished verdict of the event. */
export async function updateEvent(ctx: RequestContext, input: UpdateEventInput): Promise<BreakingEventEntity> {
  const actor = requireRole(ctx.viewer, Role.Editor);
  const eventId = decodeGlobalId(input.eventId, 'Event');
  const fields = parseInput(updateEventInput, input);
  return transact(ctx, async (tx, unit) => {
    const event = await lockEvent(tx, eventId, 'FOR UPDATE');
    const policy = applyPolicyChange(policyOf(event), input.policy);
    const policyChanged = !samePolicy(policy, policyOf(event));
    if (fields.title) event.title = fields.title;
    if (input.description !== undefined) event.description = fields.description ?? null;
    if (input.region !== undefined) event.region = fields.region ?? null;
    Object.assign(event, policy);
    const saved = await tx.save(event);
    const at = new Date();
    const log: NewActivity[] = [{ type: ActivityType.EventUpdated, actorId: actor.id }];
    if (policyChanged) await recomputeVerdicts(tx, saved, { at, actorId: actor.id, log });
    await appendActivity(unit, event.id, log, at);
    return saved;
  });
}

/** Every claim of the event that is neither published nor a duplicate, under the event's policy. */
async function recomputeVerdicts(
  tx: EntityManager,
  event: BreakingEventEntity,
  change: { at: Date; actorId: string; log: NewActivity[] },
): Promise<void> {
  const claims = await tx.find(ClaimEntity, {
    where: { eventId: event.id, duplicateOfId: IsNull(), verdict: { status: Not(VerdictStatus.Published) } },
    order: { id: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
  const ballots = await ballotsOf(tx, claims.map((claim) => claim.id));
  await changeVerdicts(tx, claims.map((claim) => ({ claim, target: ruleTarget(ballots.get(claim.id) ?? [], policyOf(event)) })), change);
}

/** EDITOR or ADMIN. CONFLICT when already closed. */
export async function closeEvent(ctx: RequestContext, input: CloseEventInput): Promise<BreakingEventEntity> {
  const actor = requireRole(ctx.viewer, Role.Editor);
  const eventId = decodeGlobalId(input.eventId, 'Event');
  return transact(ctx, async (tx, unit) => {
    const event = await lockEvent(tx, eventId, 'FOR UPDATE');
    if (event.status === EventStatus.Closed) throw conflict('The event is already closed');
    event.status = EventStatus.Closed;
    const saved = await tx.save(event);
    await appendActivity(unit, event.id, [{ type: ActivityType.EventClosed, actorId: actor.id }], new Date());
    return saved;
  });
}

/** Null when no event has this ID; NOT_FOUND when the ID is malformed. */
export function findEvent(ctx: RequestContext, globalId: string): Promise<BreakingEventEntity | null> {
  return ctx.loaders.event.load(decodeGlobalId(globalId, 'Event'));
}

/** Claim count and counts by status, every status included. */
export function eventStats(ctx: RequestContext, event: BreakingEventEntity): Promise<EventStatsModel> {
  return ctx.loaders.eventStats.load(event.id);
}

/** Events, newest first, optionally of one status. */
export function listEvents(
  ctx: RequestContext,
  args: { first?: number | null; after?: string | null; status?: EventStatus | null },
): Promise<ConnectionModel<BreakingEventEntity>> {
  const status = args.status ?? null;
  return builtConnection(ListOrders.eventsNewest, args, {
    listed: () => {
      const events = ctx.app.dataSource.getRepository(BreakingEventEntity).createQueryBuilder('e');
      return status === null ? events : events.where('e.status = :status', { status });
    },
    sorted: (events) => events.orderBy('e.createdAt', 'DESC').addOrderBy('e.id', 'DESC'),
    past: (events, [createdAt, id]) =>
      events.andWhere('(e.createdAt, e.id) < (:createdAt::timestamptz, :id::uuid)', { createdAt: new Date(createdAt as number).toISOString(), id }),
  });
}
