import { z } from 'zod';
import { IsoDateTime } from '../shared/value-objects';

/**
 * The assessment platform's collection events (spec §8.1, peer catalogue), a family of their own
 * beside the LDS and grading kinds of cloud-events.ts. Their data is snake_case and names the
 * LabletSession itself in `aggregate_id` (spec §8.1 "Correlation").
 */
export const AssessmentCollectionKind = z.enum(['collection.completed', 'collection.failed']);
export type AssessmentCollectionKind = z.infer<typeof AssessmentCollectionKind>;

const COLLECTION_TYPES: Record<AssessmentCollectionKind, string> = {
  'collection.completed': 'assessment.collection.completed',
  'collection.failed': 'assessment.collection.failed',
};

const VERSION_SUFFIX = /\.v\d+$/;

/** `assessment.collection.completed[.vN]` / `assessment.collection.failed[.vN]`, else null. */
export function classifyAssessmentCollectionType(type: string): AssessmentCollectionKind | null {
  const lowered = type.trim().toLowerCase().replace(VERSION_SUFFIX, '');
  const match = Object.entries(COLLECTION_TYPES).find(([, name]) => name === lowered);
  return match ? (match[0] as AssessmentCollectionKind) : null;
}

const common = {
  /** The LabletSession id. */
  aggregate_id: z.string().min(1).max(128),
  /** The assessment platform's own session id. */
  session_id: z.string().min(1).max(256).optional(),
  collection_id: z.string().min(1).max(256),
};

export const AssessmentCollectionCompletedData = z.looseObject({
  ...common,
  collected_at: IsoDateTime.optional(),
  collection_summary: z.record(z.string(), z.unknown()).nullish(),
  device_count: z.number().int().nonnegative().optional(),
  artifacts_uri: z.string().max(4096).nullish(),
});
export type AssessmentCollectionCompletedData = z.infer<typeof AssessmentCollectionCompletedData>;

export const AssessmentCollectionFailedData = z.looseObject({
  ...common,
  failed_at: IsoDateTime.optional(),
  error_code: z.string().max(256).optional(),
  error_message: z.string().min(1).max(4096),
  /** Only a failure that cannot be retried ends the collection (spec §8.1). */
  retry_possible: z.boolean().default(false),
  retry_count: z.number().int().nonnegative().optional(),
});
export type AssessmentCollectionFailedData = z.infer<typeof AssessmentCollectionFailedData>;

export const ASSESSMENT_COLLECTION_DATA_SCHEMAS = {
  'collection.completed': AssessmentCollectionCompletedData,
  'collection.failed': AssessmentCollectionFailedData,
} as const satisfies Record<AssessmentCollectionKind, z.ZodType>;

export type AssessmentCollectionData<Kind extends AssessmentCollectionKind> = z.infer<
  (typeof ASSESSMENT_COLLECTION_DATA_SCHEMAS)[Kind]
>;
