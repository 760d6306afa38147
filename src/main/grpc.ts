/**
 * Starts the Rasa gRPC channel beside a started HTTP server, sharing its /webhook dependencies,
 * token, TLS settings and shutdown timeout, and ties its shutdown to the server's.
 */
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import type { ActionServer, TlsOptions } from '../server/app';
import type { GrpcConfig } from '../channels/grpc/config';
import { startGrpcChannel, type GrpcChannel } from '../channels/grpc/server';

type GrpcSettings = Pick<Config, 'HOST' | 'SHUTDOWN_TIMEOUT_MS' | 'ACTION_SERVER_TOKEN' | 'ACTION_SERVER_TOKEN_HEADER'>;

export async function startGrpc(grpc: GrpcConfig, config: GrpcSettings, server: ActionServer, tls: TlsOptions | undefined, logger: Logger): Promise<GrpcChannel> {
  const channel = await startGrpcChannel(
    {
      deps: server.rasa.webhook,
      tokens: config.ACTION_SERVER_TOKEN,
      tokenSources: { header: config.ACTION_SERVER_TOKEN_HEADER },
      ipLimiter: server.rasa.ipLimiter,
      onIpRefused: server.rasa.onIpRefused,
      tls,
      shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    },
    grpc.port,
    config.HOST,
  );
  logger.info('gRPC listening (Rasa Pro: action_endpoint url grpc://<host>:<port>)', { port: channel.port, host: channel.host, tls: Boolean(tls) });
  return channel;
}
