/** Microsoft Teams settings, read when NOTIFY_PROVIDER=teams. */
import type { EnvReader } from '../../config/env';

export interface TeamsConfig {
  /** The Workflows ("When a Teams webhook request is received") or incoming webhook URL: it is the credential. */
  webhookUrl: string;
}

export function readTeamsConfig(env: EnvReader): TeamsConfig {
  // Anyone holding the URL can post to the channel, so it is redacted like a password.
  const webhookUrl = env.require('TEAMS_WEBHOOK_URL', 'NOTIFY_PROVIDER=teams', { secret: true });
  if (webhookUrl) env.url('TEAMS_WEBHOOK_URL', webhookUrl, 'NOTIFY_PROVIDER=teams');
  return { webhookUrl: webhookUrl.replace(/\/+$/, '') };
}
