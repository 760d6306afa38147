/** Slack settings, read when NOTIFY_PROVIDER=slack. */
import type { EnvReader } from '../../config/env';

export interface SlackConfig {
  /** A bot token (`xoxb-…`) with chat:write, and channels:history (groups:history for a private channel). */
  token: string;
  /** The channel's ID: history is read by ID only, and an ID survives the channel being renamed. */
  channel: string;
  apiUrl: string;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

export function readSlackConfig(env: EnvReader): SlackConfig {
  const because = 'NOTIFY_PROVIDER=slack';
  const token = env.require('SLACK_BOT_TOKEN', because, { secret: true });
  const channel = env.require('SLACK_CHANNEL', because);
  if (channel && !CHANNEL_ID.test(channel)) {
    env.problems.push(`SLACK_CHANNEL: '${channel.slice(0, 80)}' is not a channel ID such as C0123456789 (the channel's details in Slack show it)`);
  }
  return { token, channel, apiUrl: env.url('SLACK_API_URL', 'https://slack.com/api', because) };
}
