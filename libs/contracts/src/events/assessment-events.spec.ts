import {
  ASSESSMENT_COLLECTION_DATA_SCHEMAS,
  AssessmentCollectionCompletedData,
  AssessmentCollectionFailedData,
  classifyAssessmentCollectionType,
} from './assessment-events';
import { classifyCloudEventType } from './cloud-events';

describe('assessment collection events', () => {
  it.each([
    ['assessment.collection.completed.v1', 'collection.completed'],
    ['assessment.collection.completed', 'collection.completed'],
    ['Assessment.Collection.Failed.V2', 'collection.failed'],
    ['assessment.collection.failed.v1', 'collection.failed'],
  ] as const)('%s → %s', (type, kind) => {
    expect(classifyAssessmentCollectionType(type)).toBe(kind);
  });

  it.each([
    'assessment.grading.completed.v1',
    'assessment.collection',
    'io.lablet.assessment.collection.completed.v1',
    'lds.session.started',
  ])('%s is not a collection event', (type) => {
    expect(classifyAssessmentCollectionType(type)).toBeNull();
  });

  it('is a family apart from the LDS and grading kinds', () => {
    expect(classifyCloudEventType('assessment.collection.completed.v1')).toBe('unknown');
  });

  it('reads the peer payloads (snake_case, aggregate_id = the LabletSession id)', () => {
    expect(
      AssessmentCollectionCompletedData.parse({
        aggregate_id: 's-1',
        session_id: 'assess-1',
        collection_id: 'coll-1',
        collected_at: '2030-01-01T10:00:00+01:00',
        device_count: 2,
        artifacts_uri: 's3://bucket/collections/coll-1/',
      }),
    ).toMatchObject({ aggregate_id: 's-1', collection_id: 'coll-1', device_count: 2 });
    expect(
      AssessmentCollectionFailedData.parse({
        aggregate_id: 's-1',
        collection_id: 'coll-1',
        error_code: 'E1',
        error_message: 'device unreachable',
      }),
    ).toMatchObject({
      retry_possible: false,
    });
  });

  it.each([
    ['collection.completed', { collection_id: 'c' }, 'aggregate_id'],
    [
      'collection.completed',
      { aggregate_id: 's', collection_id: 'c', collected_at: 'yesterday' },
      'collected_at',
    ],
    ['collection.failed', { aggregate_id: 's', collection_id: 'c' }, 'error_message'],
    [
      'collection.failed',
      { aggregate_id: 's', collection_id: 'c', error_message: 'x', retry_possible: 'no' },
      'retry_possible',
    ],
  ] as const)('rejects %s data %j (%s)', (kind, data, field) => {
    const result = ASSESSMENT_COLLECTION_DATA_SCHEMAS[kind].safeParse(data);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(field);
  });
});
