/** The settings of proactive messages and enrolment: RASA_URL/RASA_TOKEN, HUBSPOT_WORKFLOW_ID, HUBSPOT_CLIENT_SECRET. */
import { loadConnectorsConfig } from '../../../src/connectors/config';
import { createSystems } from '../../../src/connectors/registry';
import { loadDeliveryConfig } from '../../../src/delivery/config';
import { redactString } from '../../../src/observability/redact';
import { memoryStore } from '../../support/connectors';
import { problemsOf } from '../../support/config-problems';


describe('proactive settings', () => {
  it('builds the Rasa connector only with RASA_URL, and keeps its token out of logs', async () => {
    expect(loadConnectorsConfig({}).rasa).toBeUndefined();
    const c = loadConnectorsConfig({ RASA_URL: 'http://rasa:5005/', RASA_TOKEN: 'rasa-secret-token-1' });
    expect(c.rasa).toEqual({ url: 'http://rasa:5005', token: 'rasa-secret-token-1' });
    expect(redactString('token=rasa-secret-token-1')).not.toContain('rasa-secret-token-1');
    const store = memoryStore();
    expect(createSystems(c, { store }).assistant?.provider).toBe('rasa');
    expect(createSystems(loadConnectorsConfig({}), { store }).assistant).toBeUndefined();
    await store.close();
    expect(problemsOf({ RASA_URL: 'ftp://rasa' })).toEqual([expect.stringContaining('RASA_URL')]);
  });

  it('enrols only with HubSpot as the CRM and a whole-number HUBSPOT_WORKFLOW_ID', async () => {
    const hubspot = { CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: 'pat-abc' };
    expect(problemsOf({ ...hubspot, HUBSPOT_WORKFLOW_ID: '12a' })).toEqual([expect.stringContaining('HUBSPOT_WORKFLOW_ID')]);
    const store = memoryStore();
    expect(createSystems(loadConnectorsConfig({ ...hubspot, HUBSPOT_WORKFLOW_ID: '4242' }), { store }).enrolment?.provider).toBe('hubspot');
    expect(createSystems(loadConnectorsConfig(hubspot), { store }).enrolment).toBeUndefined();
    expect(createSystems(loadConnectorsConfig({ HUBSPOT_WORKFLOW_ID: '4242' }), { store }).enrolment).toBeUndefined();
    await store.close();
  });

  it('turns /hooks/hubspot on with HUBSPOT_CLIENT_SECRET, with the target URL when one is given', () => {
    expect(loadDeliveryConfig({}).hooks.hubspot).toBeUndefined();
    expect(loadDeliveryConfig({ HUBSPOT_CLIENT_SECRET: 'hs-secret-xyz' }).hooks.hubspot).toEqual({ clientSecret: 'hs-secret-xyz' });
    expect(loadDeliveryConfig({ HUBSPOT_CLIENT_SECRET: 's', HUBSPOT_WEBHOOK_URL: 'https://bot.example.com/hooks/hubspot' }).hooks.hubspot).toEqual({
      clientSecret: 's',
      webhookUrl: 'https://bot.example.com/hooks/hubspot',
    });
  });
});
