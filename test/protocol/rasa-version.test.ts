/** The calling Rasa's version, and the domain rule that follows from it. */
import { compareRasaVersions, missingDomainRule, parseRasaVersion, rasaVersion } from '../../src/protocol/rasa-version';

describe('parseRasaVersion', () => {
  it.each([
    ['3.6.21', { major: 3, minor: 6, patch: 21 }],
    ['3.9', { major: 3, minor: 9, patch: 0 }],
    ['3.10.0rc1', { major: 3, minor: 10, patch: 0 }],
    ['3.16.0.dev2', { major: 3, minor: 16, patch: 0 }],
    [' v3.7.1 ', { major: 3, minor: 7, patch: 1 }],
  ])('%s', (text, expected) => {
    expect(parseRasaVersion(text)).toEqual(expected);
  });

  it.each([[undefined], [null], [''], ['3'], ['latest'], [3.6], ['9'.repeat(80)]])('%p is not a version', (value) => {
    expect(parseRasaVersion(value)).toBeNull();
  });

  it('orders 3.10 after 3.9 (numbers, not text)', () => {
    expect(compareRasaVersions(rasaVersion('3.10.0'), rasaVersion('3.9.9'))).toBeGreaterThan(0);
    expect(compareRasaVersions(rasaVersion('3.6.21'), rasaVersion('3.6.21'))).toBe(0);
  });
});

describe('missingDomainRule: a call with neither domain nor a known digest', () => {
  it.each(['2.8.34', '3.6.21', '3.8.18', '3.8.99rc1'])('from Rasa %s (never retries) runs with an empty domain', (version) => {
    expect(missingDomainRule(version)).toBe('empty_domain');
  });

  it.each(['3.9.0', '3.9.0rc1', '3.10.4', '3.16.0'])('from Rasa %s (retries with the domain) gets a 449', (version) => {
    expect(missingDomainRule(version)).toBe('ask_for_domain');
  });

  it.each([[undefined], [null], ['not-a-version']])('from a caller that does not say which Rasa it is (%p) gets a 449', (version) => {
    expect(missingDomainRule(version)).toBe('ask_for_domain');
  });
});
