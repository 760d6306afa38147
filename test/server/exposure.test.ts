import { exposureWarning, isLoopbackHost } from '../../src/server/exposure';

describe('start-up exposure warning', () => {
  it.each(['127.0.0.1', '127.5.0.9', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
    expect(exposureWarning(host, undefined)).toBeNull();
  });

  it.each(['0.0.0.0', '::', '10.0.0.4', 'actions.internal', '128.0.0.1'])('%s without a token warns', (host) => {
    expect(exposureWarning(host, undefined)).toMatch(/SECURITY WARNING.*without ACTION_SERVER_TOKEN/);
  });

  it('a token silences it, and so do several', () => {
    expect(exposureWarning('0.0.0.0', ['s3cret'])).toBeNull();
    expect(exposureWarning('0.0.0.0', ['old-s3cret', 'new-s3cret'])).toBeNull();
    expect(exposureWarning('0.0.0.0', [])).toMatch(/SECURITY WARNING/);
  });
});
