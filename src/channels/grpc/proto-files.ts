/**
 * Where the channel's .proto files are: `proto/` at the package's root, which ships in the
 * package (package.json `files`). This file runs from `src/channels/grpc/` under ts-jest and tsx,
 * and from `dist/src/channels/grpc/` when built, so both depths are tried.
 */
import fs from 'node:fs';
import path from 'node:path';

export const ACTION_PROTO = 'action_webhook.proto';
export const HEALTH_PROTO = 'health.proto';

/** How the protos are loaded, by the server and by any client built from them (tests, bench). */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: false,
  arrays: true,
  objects: true,
  oneofs: true,
} as const;

export function protoDir(): string {
  const candidates = [path.resolve(__dirname, '../../../proto'), path.resolve(__dirname, '../../../../proto')];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, ACTION_PROTO)));
  if (!found) throw new Error(`gRPC: ${ACTION_PROTO} is missing from the package (looked in ${candidates.join(', ')})`);
  return found;
}

/** The full paths of the channel's protos. */
export function protoFiles(): { action: string; health: string } {
  const dir = protoDir();
  return { action: path.join(dir, ACTION_PROTO), health: path.join(dir, HEALTH_PROTO) };
}
