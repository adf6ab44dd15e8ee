import { VerdictStatus } from '../generated/schema-types';

export interface EventStatsModel {
  claimCount: number;
  byStatus: { status: VerdictStatus; count: number }[];
}

/** Stats from claim counts per status; statuses with no claims count zero, in the enum's order. */
export function statsFrom(counts: readonly { status: VerdictStatus; count: number }[]): EventStatsModel {
  const byStatus = Object.values(VerdictStatus).map((status) => ({
    status,
    count: counts.find((row) => row.status === status)?.count ?? 0,
  }));
  return { claimCount: byStatus.reduce((sum, row) => sum + row.count, 0), byStatus };
}
