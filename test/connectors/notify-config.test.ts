/** NOTIFY_PROVIDER and each notifier's settings, read by the one connectors reader. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConnectorsConfig } from '../../src/connectors/config';
import { Gateway } from '../../src/connectors/kit/gateway';
import { createSystems } from '../../src/connectors/registry';
import { SlackNotifier } from '../../src/connectors/slack';
import { TeamsNotifier } from '../../src/connectors/teams';
import { redactString } from '../../src/observability/redact';
import { memoryStore } from '../support/connectors';
import { problemsOf } from '../support/config-problems';


describe('notification settings', () => {
  it('are off by default: no notifier, and the jobs would announce nothing', () => {
    expect(loadConnectorsConfig({}).notify).toBeUndefined();
    expect(loadConnectorsConfig({ NOTIFY_PROVIDER: 'none' }).notify).toBeUndefined();
    expect(createSystems(loadConnectorsConfig({}), { store: memoryStore(), gateway: new Gateway() }).notifier).toBeUndefined();
  });

  it('name every missing or malformed Slack setting', () => {
    expect(problemsOf({ NOTIFY_PROVIDER: 'slack' })).toEqual([
      expect.stringContaining('SLACK_BOT_TOKEN is required when NOTIFY_PROVIDER=slack'),
      expect.stringContaining('SLACK_CHANNEL is required when NOTIFY_PROVIDER=slack'),
    ]);
    expect(problemsOf({ NOTIFY_PROVIDER: 'slack', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: '#support' })).toEqual([expect.stringContaining("SLACK_CHANNEL: '#support' is not a channel ID")]);
    expect(problemsOf({ NOTIFY_PROVIDER: 'slack', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: 'C0123456', SLACK_API_URL: 'ftp://x' })).toEqual([expect.stringContaining('SLACK_API_URL')]);
  });

  it('name a missing or malformed Teams webhook without repeating it, and an unknown provider', () => {
    expect(problemsOf({ NOTIFY_PROVIDER: 'teams' })).toEqual([expect.stringContaining('TEAMS_WEBHOOK_URL is required when NOTIFY_PROVIDER=teams')]);
    expect(problemsOf({ NOTIFY_PROVIDER: 'teams', TEAMS_WEBHOOK_URL: 'not a url' })).toEqual([expect.stringContaining('TEAMS_WEBHOOK_URL')]);
    expect(problemsOf({ NOTIFY_PROVIDER: 'email' })).toEqual(["NOTIFY_PROVIDER: 'email' is not one of none, slack, teams"]);
  });

  it('refuse a vendor setting without NOTIFY_PROVIDER, rather than notify nobody in silence', () => {
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual([expect.stringContaining('set NOTIFY_PROVIDER=slack')]);
    expect(problemsOf({ TEAMS_WEBHOOK_URL: 'https://example.com/x' })).toEqual([expect.stringContaining('set NOTIFY_PROVIDER=teams')]);
  });

  it('read the token and the webhook URL from _FILE, and redact both from logs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'notify-'));
    try {
      fs.writeFileSync(path.join(dir, 'token'), 'xoxb-from-file-123\n');
      fs.writeFileSync(path.join(dir, 'hook'), 'https://prod.example/workflows/abc?sig=s3cr3t-sig-value\n');
      const slack = loadConnectorsConfig({ NOTIFY_PROVIDER: 'slack', SLACK_BOT_TOKEN_FILE: path.join(dir, 'token'), SLACK_CHANNEL: 'C0123456789' });
      expect(slack.notify).toEqual({ provider: 'slack', settings: { token: 'xoxb-from-file-123', channel: 'C0123456789', apiUrl: 'https://slack.com/api' } });
      const teams = loadConnectorsConfig({ NOTIFY_PROVIDER: 'teams', TEAMS_WEBHOOK_URL_FILE: path.join(dir, 'hook') });
      expect(teams.notify).toEqual({ provider: 'teams', settings: { webhookUrl: 'https://prod.example/workflows/abc?sig=s3cr3t-sig-value' } });
      expect(redactString('token xoxb-from-file-123 posted')).not.toContain('xoxb-from-file-123');
      expect(redactString('POST https://prod.example/workflows/abc?sig=s3cr3t-sig-value')).not.toContain('s3cr3t-sig-value');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('build the chosen notifier on the shared gateway, with its documented rate as policy', () => {
    const gateway = new Gateway();
    const slack = createSystems(loadConnectorsConfig({ NOTIFY_PROVIDER: 'slack', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CHANNEL: 'C0123456789' }), { store: memoryStore(), gateway });
    expect(slack.notifier).toBeInstanceOf(SlackNotifier);
    expect(gateway.policyOf('slack').rateLimit).toEqual({ points: 1, durationSeconds: 1 });
    const teams = createSystems(loadConnectorsConfig({ NOTIFY_PROVIDER: 'teams', TEAMS_WEBHOOK_URL: 'https://example.com/hook' }), { store: memoryStore(), gateway: new Gateway() });
    expect(teams.notifier).toBeInstanceOf(TeamsNotifier);
  });
});
