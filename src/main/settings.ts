/**
 * Every setting of a process, read from the environment once at start: the server's own
 * (src/config), the connectors' (each vendor's folder reads its variables) and durable
 * delivery's. All are read with the same `EnvReader` (one `<NAME>_FILE` rule), and every problem
 * in any of them is reported together in one ConfigError.
 */
import { ConfigError, loadConfig, type Config } from '../config';
import { loadConnectorsConfig, type ConnectorsConfig } from '../connectors/config';
import { loadDeliveryConfig, type DeliveryConfig } from '../delivery/config';
import { loadGrpcConfig, type GrpcConfig } from '../channels/grpc/config';

export interface Settings {
  app: Config;
  connectors: ConnectorsConfig;
  delivery: DeliveryConfig;
  /** The Rasa gRPC channel (GRPC, GRPC_PORT); null = off. */
  grpc: GrpcConfig | null;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const problems: string[] = [];
  const read = <T>(load: (env: NodeJS.ProcessEnv) => T): T | undefined => {
    try {
      return load(env);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const app = read(loadConfig);
  const connectors = read(loadConnectorsConfig);
  const delivery = read(loadDeliveryConfig);
  const grpc = read(loadGrpcConfig) ?? null;
  if (problems.length > 0 || !app || !connectors || !delivery) throw new ConfigError(problems);
  return { app, connectors, delivery, grpc };
}
