import { awsSettingsFromEnv } from './aws.sdk-adapter';

describe('awsSettingsFromEnv', () => {
  it('uses AWS_ENDPOINT_URL and AWS_REGION when set', () => {
    expect(awsSettingsFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', AWS_REGION: 'eu-west-1' })).toEqual({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
    });
  });

  it('defaults to us-east-1 and the real endpoints', () => {
    expect(awsSettingsFromEnv({})).toEqual({ region: 'us-east-1' });
  });

  it('fails fast on a malformed endpoint', () => {
    expect(() => awsSettingsFromEnv({ AWS_ENDPOINT_URL: 'not a url' })).toThrow();
  });
});
