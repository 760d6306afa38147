/**
 * Which team channel hears about critical tickets and qualified leads: NOTIFY_PROVIDER=slack or
 * teams, with that vendor's settings; unset, nobody is notified.
 */
import type { EnvReader } from '../../config/env';
import { readSlackConfig, type SlackConfig } from '../slack/config';
import { readTeamsConfig, type TeamsConfig } from '../teams/config';

export type NotifyConfig = { provider: 'slack'; settings: SlackConfig } | { provider: 'teams'; settings: TeamsConfig };

export const NOTIFY_PROVIDERS = ['slack', 'teams'] as const;

export function readNotifyConfig(env: EnvReader): NotifyConfig | undefined {
  const value = env.get('NOTIFY_PROVIDER')?.toLowerCase();
  if (value === undefined || value === 'none') {
    // A vendor's settings without the switch are a half-done set-up: say so rather than stay silent.
    const orphan = ['SLACK_BOT_TOKEN', 'TEAMS_WEBHOOK_URL'].find((name) => env.get(name, { secret: true }) !== undefined);
    if (orphan) env.problems.push(`${orphan} is set but NOTIFY_PROVIDER is not: set NOTIFY_PROVIDER=${orphan.startsWith('SLACK') ? 'slack' : 'teams'} to send notifications (or none)`);
    return undefined;
  }
  if (value === 'slack') return { provider: 'slack', settings: readSlackConfig(env) };
  if (value === 'teams') return { provider: 'teams', settings: readTeamsConfig(env) };
  env.problems.push(`NOTIFY_PROVIDER: '${value.slice(0, 40)}' is not one of none, ${NOTIFY_PROVIDERS.join(', ')}`);
  return undefined;
}
