import { type PendingPlacement } from '@lcm/contracts';
import { rejectionBreakdown } from './rejection-breakdown';

const placement = (rejections: PendingPlacement['rejections']) => ({ rejections }) as PendingPlacement;

describe('rejection breakdown of pending placements (spec §9 Scheduler)', () => {
  it('adds up rejections per filter stage in stage order, zero where none', () => {
    expect(rejectionBreakdown([placement({ capacity: 2, license: 1 }), placement({ capacity: 1 })])).toEqual([
      { category: 'status', rejections: 0 },
      { category: 'license', rejections: 1 },
      { category: 'ami', rejections: 0 },
      { category: 'capacity', rejections: 3 },
      { category: 'ports', rejections: 0 },
    ]);
  });
});
