/**
 * The gRPC channel's settings. GRPC=true (`serve --grpc`) serves it on GRPC_PORT, 5056 unless
 * set (rasa_sdk's HTTP port is 5055; Rasa Pro's endpoints.yml names the gRPC one in its URL).
 * GRPC_PORT alone also turns it on; GRPC=false keeps it off whatever the port says.
 */
import { ConfigError } from '../../config';
import { EnvReader } from '../../config/env';

export const DEFAULT_GRPC_PORT = 5056;

export interface GrpcConfig {
  /** 0 = any free port (tests). */
  port: number;
}

export const GRPC_ENV = ['GRPC', 'GRPC_PORT'] as const;

/** The channel's settings, or null when gRPC is off. */
export function loadGrpcConfig(envVars: NodeJS.ProcessEnv = process.env): GrpcConfig | null {
  const env = new EnvReader(envVars);
  const problems = env.problems;
  const flag = env.get('GRPC');
  const rawPort = env.get('GRPC_PORT');
  let enabled: boolean | undefined;
  if (flag !== undefined) {
    if (['true', '1'].includes(flag.toLowerCase())) enabled = true;
    else if (['false', '0'].includes(flag.toLowerCase())) enabled = false;
    else problems.push(`GRPC: '${flag.slice(0, 20)}' is not true, false, 1 or 0`);
  }
  let port = DEFAULT_GRPC_PORT;
  if (rawPort !== undefined) {
    const n = Number(rawPort);
    if (/^\d{1,5}$/.test(rawPort) && n <= 65535) port = n;
    else problems.push(`GRPC_PORT: '${rawPort.slice(0, 20)}' is not a port number (0-65535)`);
  }
  if (problems.length > 0) throw new ConfigError([...problems]);
  return (enabled ?? rawPort !== undefined) ? { port } : null;
}
