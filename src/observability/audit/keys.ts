/**
 * The keys the audit chain is signed with (AUDIT_HMAC_KEY): `id:secret[,id:secret...]`. The first
 * key links new rows and signs new checkpoints; every key verifies, so old rows still verify
 * after a rotation as long as their key stays in the list.
 */
import crypto from 'node:crypto';
import { parseKeyList } from '../../store';

const MIN_SECRET = 32;

export interface AuditKey {
  id: string;
  secret: Buffer;
}

/** Throws an Error naming what is wrong, never quoting a secret. */
export function parseAuditKeys(spec: string): AuditKey[] {
  return parseKeyList(spec, 'secret', (id, secret) => {
    if (secret.length < MIN_SECRET) throw new Error(`the secret of key '${id}' must be at least ${MIN_SECRET} characters (openssl rand -base64 32)`);
    return { id, secret: Buffer.from(secret, 'utf8') };
  });
}

export class AuditKeyring {
  private readonly byId: ReadonlyMap<string, AuditKey>;

  constructor(readonly keys: readonly AuditKey[] = []) {
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  /** The key new rows and checkpoints are signed with; null = the unkeyed chain. */
  get signer(): AuditKey | null {
    return this.keys[0] ?? null;
  }

  get(id: string): AuditKey | undefined {
    return this.byId.get(id);
  }
}

export function hmacHex(key: AuditKey, data: string): string {
  return crypto.createHmac('sha256', key.secret).update(data).digest('hex');
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
