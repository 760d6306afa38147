/** ACTION_SERVER_TOKEN and METRICS_TOKEN as comma-separated lists (token rotation), parsed once by the config reader. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('loadConfig accepted an invalid environment');
}

describe.each(['ACTION_SERVER_TOKEN', 'METRICS_TOKEN'] as const)('%s', (name) => {
  it('one token is a list of one', () => {
    expect(loadConfig({ [name]: 'only-token-value' })[name]).toEqual(['only-token-value']);
  });

  it('several, comma-separated, each trimmed, in the order given', () => {
    expect(loadConfig({ [name]: ' new-token-2 ,old-token-1\t' })[name]).toEqual(['new-token-2', 'old-token-1']);
  });

  it('a token written twice counts once', () => {
    expect(loadConfig({ [name]: 'same-token,same-token' })[name]).toEqual(['same-token']);
  });

  it.each([
    ['a doubled comma', 'old-token-1,,new-token-2'],
    ['a trailing comma', 'old-token-1,'],
    ['a leading comma', ',new-token-2'],
    ['an entry of blanks', 'old-token-1,   ,new-token-2'],
  ])('refuses %s with a problem naming the variable, never its values', (_what, value) => {
    const problems = problemsOf({ [name]: value, PORT: 'abc' });
    expect(problems).toEqual([expect.stringMatching(/^PORT: /), `${name}: an empty entry in the comma-separated token list (a doubled, leading or trailing comma?)`]);
    expect(problems.join('\n')).not.toMatch(/old-token-1|new-token-2/);
  });

  it('unset, empty or blank is no token (the route is open), as before', () => {
    expect(loadConfig({})[name]).toBeUndefined();
    expect(loadConfig({ [name]: '' })[name]).toBeUndefined();
    expect(loadConfig({ [name]: '   ' })[name]).toBeUndefined();
  });

  it('reads the list from <NAME>_FILE too (a secret file with a trailing newline)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-token-list-'));
    try {
      const file = path.join(dir, 'tokens');
      fs.writeFileSync(file, 'old-token-1, new-token-2\n');
      expect(loadConfig({ [`${name}_FILE`]: file })[name]).toEqual(['old-token-1', 'new-token-2']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
