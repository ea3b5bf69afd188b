import {
  CloudEvent,
  classifyCloudEventType,
  cloudEventSessionId,
  CLOUD_EVENT_DATA_SCHEMAS,
} from './cloud-events';

describe('classifyCloudEventType', () => {
  it.each([
    ['lds.session.started', 'lds.started'],
    ['io.lablet.lds.session.running.v1', 'lds.started'],
    ['com.cisco.certs.lds.session.started', 'lds.started'],
    ['com.cisco.certs.lds.session.running.v1', 'lds.started'],
    ['com.cisco.certs.lds.sessionpart.running.v1', 'lds.started'],
    ['lds.session.ended', 'lds.ended'],
    ['io.lablet.lds.session.ended.v1', 'lds.ended'],
    ['com.cisco.certs.lds.session.ended.v2', 'lds.ended'],
    ['lds.session.user-finished', 'lds.ended'],
    ['com.cisco.certs.lds.session.userfinished.v1', 'lds.ended'],
    ['com.cisco.certs.lds.sessionpart.userfinished.v1', 'lds.ended'],
    ['io.lablet.lds.session.paused.v1', 'lds.paused'],
    ['com.cisco.certs.lds.sessionpart.paused.v1', 'lds.paused'],
    ['grading.session.completed', 'grading.completed'],
    ['grading.completed', 'grading.completed'],
    ['assessment.grading.completed.v1', 'grading.completed'],
    ['grading.session.failed', 'grading.failed'],
    ['grading.faulted', 'grading.failed'],
    ['grading.session.faulted', 'grading.failed'],
    ['assessment.grading.failed.v1', 'grading.failed'],
  ] as const)('%s → %s', (type, kind) => {
    expect(classifyCloudEventType(type)).toBe(kind);
  });

  it.each([
    'com.cisco.certs.lds.session.finalized.v1',
    'com.cisco.certs.lds.sessionpart.devicesadded.v1',
    'assessment.collection.completed.v1',
    'scenario_engine.job.started.v1',
    'lds.session.started.extra',
    'lds.session',
    '',
  ])('%s → unknown', (type) => {
    expect(classifyCloudEventType(type)).toBe('unknown');
  });

  it('ignores case and surrounding whitespace', () => {
    expect(classifyCloudEventType(' IO.Lablet.LDS.Session.Running.V1 ')).toBe('lds.started');
  });

  it('strips a configured deployment prefix', () => {
    expect(classifyCloudEventType('acme.prod.lds.session.running.v1', ['acme.prod.'])).toBe('lds.started');
    expect(classifyCloudEventType('acme.prod.lds.session.running.v1')).toBe('unknown');
  });
});

describe('CloudEvent envelope', () => {
  const event = {
    specversion: '1.0',
    id: '2ae7af87-9b35-415d-88d7-a3e50524c09a',
    time: '2026-04-09T16:36:44.266371Z',
    datacontenttype: 'application/json',
    type: 'io.lablet.lds.session.running.v1',
    source: 'https://labs.lcm.io',
    subject: '3e27515a-8ab5-4424-92d3-dcacca1d12c9',
    data: { aggregateId: 'agg-1', sessionId: 'sess-1' },
  };

  it('parses the pyLDS sample with microsecond Z time', () => {
    expect(CloudEvent.parse(event).type).toBe('io.lablet.lds.session.running.v1');
  });

  it('accepts a time with an offset and rejects one without a zone', () => {
    expect(CloudEvent.safeParse({ ...event, time: '2026-04-09T18:36:44+02:00' }).success).toBe(true);
    expect(CloudEvent.safeParse({ ...event, time: '2026-04-09T18:36:44' }).success).toBe(false);
  });

  it('requires specversion 1.0 and the required attributes', () => {
    expect(CloudEvent.safeParse({ ...event, specversion: '0.3' }).error?.issues[0]?.path).toEqual([
      'specversion',
    ]);
    const { source: _source, ...withoutSource } = event;
    expect(CloudEvent.safeParse(withoutSource).error?.issues[0]?.path).toEqual(['source']);
    expect(CloudEvent.safeParse({ ...event, id: '' }).success).toBe(false);
  });

  it('keeps extension attributes', () => {
    expect(CloudEvent.parse({ ...event, traceparent: '00-abc-def-01' })).toHaveProperty(
      'traceparent',
      '00-abc-def-01',
    );
  });

  it('refuses data and data_base64 together', () => {
    expect(CloudEvent.safeParse({ ...event, data_base64: 'e30=' }).error?.issues[0]?.path).toEqual([
      'data_base64',
    ]);
  });

  it('correlates by subject, then data.sessionId, then data.aggregateId', () => {
    expect(cloudEventSessionId(event)).toBe('3e27515a-8ab5-4424-92d3-dcacca1d12c9');
    expect(cloudEventSessionId({ data: event.data })).toBe('sess-1');
    expect(cloudEventSessionId({ data: { aggregateId: 'agg-1' } })).toBe('agg-1');
    expect(cloudEventSessionId({ data: 'text' })).toBeNull();
  });
});

describe('CloudEvent data', () => {
  it('parses an LDS ended payload with endedBy', () => {
    expect(
      CLOUD_EVENT_DATA_SCHEMAS['lds.ended'].parse({ sessionId: 's', reason: 'done', endedBy: 'user' })
        .endedBy,
    ).toBe('user');
    expect(CLOUD_EVENT_DATA_SCHEMAS['lds.ended'].safeParse({ endedBy: 'robot' }).success).toBe(false);
  });

  it('requires score and maxScore on grading completion', () => {
    const data = {
      sessionId: 's',
      partId: 'p',
      score: 80,
      maxScore: 100,
      passed: true,
      revision: 2,
      gradedAt: '2026-04-09T16:36:44Z',
    };
    expect(CLOUD_EVENT_DATA_SCHEMAS['grading.completed'].parse(data).score).toBe(80);
    expect(CLOUD_EVENT_DATA_SCHEMAS['grading.completed'].safeParse({ sessionId: 's' }).success).toBe(false);
  });

  it('requires the error message on grading failure', () => {
    expect(
      CLOUD_EVENT_DATA_SCHEMAS['grading.failed'].parse({
        errorMessage: 'pod unreachable',
        retryPossible: true,
      }).retryPossible,
    ).toBe(true);
    expect(CLOUD_EVENT_DATA_SCHEMAS['grading.failed'].safeParse({ errorCode: 'E1' }).success).toBe(false);
  });
});
