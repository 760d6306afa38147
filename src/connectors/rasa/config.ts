/** Rasa's HTTP API, for proactive messages: configured when RASA_URL is set. */
import type { EnvReader } from '../../config/env';

export interface RasaConfig {
  /** Where Rasa's server listens (`rasa run --enable-api`), e.g. http://rasa:5005. */
  url: string;
  /** Rasa's `--auth-token`; absent when its API is left open (a network boundary must guard it then). */
  token?: string;
}

export function readRasaConfig(env: EnvReader): RasaConfig | undefined {
  const url = env.get('RASA_URL');
  if (!url) return undefined;
  const token = env.get('RASA_TOKEN', { secret: true });
  return { url: env.url('RASA_URL', url, '').replace(/\/+$/, ''), ...(token ? { token } : {}) };
}
