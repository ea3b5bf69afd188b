import { matchesApiKey } from './api-key';

describe('matchesApiKey', () => {
  const keys = ['controller-key-aaaaaaaaaaaa', 'controller-key-bbbbbbbbbbbb'];

  it('accepts any configured key', () => {
    expect(matchesApiKey('controller-key-aaaaaaaaaaaa', keys)).toBe(true);
    expect(matchesApiKey('controller-key-bbbbbbbbbbbb', keys)).toBe(true);
  });

  it('refuses a missing, empty, wrong or prefix key', () => {
    expect(matchesApiKey(undefined, keys)).toBe(false);
    expect(matchesApiKey('', keys)).toBe(false);
    expect(matchesApiKey('controller-key-cccccccccccc', keys)).toBe(false);
    expect(matchesApiKey('controller-key-aaaa', keys)).toBe(false);
  });
});
