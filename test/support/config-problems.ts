/** The problems the connectors' settings reader lists for `env` (none when it accepts them). */
import { ConfigError } from '../../src/config';
import { loadConnectorsConfig } from '../../src/connectors/config';

export function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConnectorsConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
