export type AggregateType =
  | 'lablet_session'
  | 'user_session'
  | 'grading_session'
  | 'score_report'
  | 'lab_record'
  | 'cml_worker'
  | 'worker_template'
  | 'lablet_definition'
  | 'system_settings';

/**
 * A fact that happened to one aggregate. `type` is `<aggregate_type>.<fact>`; payloads use the
 * persisted field names so audit log, SSE and etcd projections can copy them without mapping.
 */
export interface DomainEvent<TType extends string = string, TPayload extends object = object> {
  readonly type: TType;
  readonly aggregate_type: AggregateType;
  readonly aggregate_id: string;
  readonly occurred_at: string;
  readonly payload: TPayload;
}

/** Turns `{ 'x.created': {...}, ... }` into the union of the matching event objects. */
export type EventUnion<TMap extends Record<string, object>> = {
  [K in keyof TMap & string]: DomainEvent<K, TMap[K]>;
}[keyof TMap & string];
