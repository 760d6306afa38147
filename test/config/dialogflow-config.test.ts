/** The configuration keys of the Dialogflow adapter and the shared token. */
import { ConfigError, loadConfig } from '../../src/config';

describe('Dialogflow and token configuration', () => {
  it('defaults: no token, no mapping file named, a 4.5 s deadline', () => {
    const c = loadConfig({});
    expect(c.ACTION_SERVER_TOKEN).toBeUndefined();
    expect(c.DIALOGFLOW_MAPPING_FILE).toBeUndefined();
    expect(c.DIALOGFLOW_DEADLINE_MS).toBe(4500);
  });

  it('reads them from the environment', () => {
    const c = loadConfig({ ACTION_SERVER_TOKEN: 'tok', DIALOGFLOW_MAPPING_FILE: 'config/df.json', DIALOGFLOW_DEADLINE_MS: '9000' });
    expect(c).toMatchObject({ ACTION_SERVER_TOKEN: ['tok'], DIALOGFLOW_MAPPING_FILE: 'config/df.json', DIALOGFLOW_DEADLINE_MS: 9000 });
  });

  it('rejects a deadline that is not a positive integer, naming the variable', () => {
    expect(() => loadConfig({ DIALOGFLOW_DEADLINE_MS: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ DIALOGFLOW_DEADLINE_MS: '-1' })).toThrow(/DIALOGFLOW_DEADLINE_MS/);
  });
});
