import { z } from 'zod';
import { IsoDateTime } from './value-objects';

/** Id of an LCM document (spec §3.1: every document has a UUID `id`). */
export const DocumentId = z.uuid();
export type DocumentId = z.infer<typeof DocumentId>;

/** Fields every stored document carries; `version` is the optimistic-concurrency counter (AR-8). */
export const DocumentBase = z.object({
  id: DocumentId,
  version: z.number().int().nonnegative(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type DocumentBase = z.infer<typeof DocumentBase>;
