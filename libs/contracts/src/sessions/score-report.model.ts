import { z } from 'zod';
import { DocumentBase, DocumentId } from '../shared/document';
import { IsoDateTime, ScoreSection } from '../shared/value-objects';

/** Final score of a LabletSession (spec §3.3). */
export const ScoreReport = DocumentBase.extend({
  lablet_session_id: DocumentId,
  grading_session_id: DocumentId,
  score: z.number(),
  max_score: z.number().nonnegative(),
  cut_score: z.number().nullable(),
  passed: z.boolean().nullable(),
  sections: z.array(ScoreSection),
  /** GradingEngine generation/revision: a re-delivered result with an older revision must not overwrite a newer one. */
  generation: z.number().int().nonnegative().nullable(),
  revision: z.number().int().nonnegative().nullable(),
  submitted_at: IsoDateTime.nullable(),
});
export type ScoreReport = z.infer<typeof ScoreReport>;
