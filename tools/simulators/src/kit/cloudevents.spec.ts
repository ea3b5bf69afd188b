import { buildCloudEvent, encodeCloudEvent, percentEncodeHeaderValue } from './cloudevents';

describe('CloudEvents HTTP encoding', () => {
  const event = buildCloudEvent({ type: 'lds.session.started', source: 'https://labs.lcm.io', subject: 'a b"%é', data: { sessionId: 's1' }, id: 'e1', time: new Date('2026-04-09T16:36:44Z') });

  it('percent-encodes space, quote, percent and non-ASCII bytes only', () => {
    expect(percentEncodeHeaderValue('a b"%é~!')).toBe('a%20b%22%25%C3%A9~!');
  });

  it('structured mode puts every attribute and data in one JSON body', () => {
    const { headers, body } = encodeCloudEvent(event, 'structured');
    expect(headers['content-type']).toBe('application/cloudevents+json; charset=utf-8');
    expect(JSON.parse(body)).toEqual({ specversion: '1.0', id: 'e1', source: 'https://labs.lcm.io', type: 'lds.session.started', subject: 'a b"%é', time: '2026-04-09T16:36:44.000Z', datacontenttype: 'application/json', data: { sessionId: 's1' } });
  });

  it('binary mode sends attributes as ce- headers, Content-Type as datacontenttype and data as the body', () => {
    const { headers, body } = encodeCloudEvent(event, 'binary');
    expect(headers).toEqual({
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'e1',
      'ce-source': 'https://labs.lcm.io',
      'ce-type': 'lds.session.started',
      'ce-subject': 'a%20b%22%25%C3%A9',
      'ce-time': '2026-04-09T16:36:44.000Z',
    });
    expect(headers['ce-datacontenttype']).toBeUndefined();
    expect(JSON.parse(body)).toEqual({ sessionId: 's1' });
  });
});
