import { type PendingPlacement, PlacementRejectionCategory } from '@lcm/contracts';

/** Rejections per filter stage over all pending placements, in the order the stages run (spec §7.1). */
export function rejectionBreakdown(
  pending: readonly PendingPlacement[],
): { category: string; rejections: number }[] {
  return PlacementRejectionCategory.options.map((category) => ({
    category,
    rejections: pending.reduce((sum, placement) => sum + (placement.rejections[category] ?? 0), 0),
  }));
}
