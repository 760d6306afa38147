/**
 * The keys the audit chain is signed with (AUDIT_HMAC_KEY): `id:secret[,id:secret...]`. The first
 * key links new rows and signs new checkpoints; every key verifies, so old rows still verify
 * after a rotation as long as their key stays in the list.
 */
import crypto from 'node:crypto';

const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/;
const MIN_SECRET = 32;

export interface AuditKey {
  id: string;
  secret: Buffer;
}

/** Throws an Error naming what is wrong, never quoting a secret. */
export function parseAuditKeys(spec: string): AuditKey[] {
  const keys: AuditKey[] = [];
  for (const [i, part] of spec.split(',').entries()) {
    const colon = part.indexOf(':');
    const id = part.slice(0, colon).trim();
    const secret = part.slice(colon + 1).trim();
    if (colon <= 0 || !KEY_ID.test(id)) throw new Error(`key ${i + 1} must be written id:secret, the id 1-32 letters, digits, '_', '.' or '-'`);
    if (secret.length < MIN_SECRET) throw new Error(`the secret of key '${id}' must be at least ${MIN_SECRET} characters (openssl rand -base64 32)`);
    if (keys.some((k) => k.id === id)) throw new Error(`key id '${id}' appears twice`);
    keys.push({ id, secret: Buffer.from(secret, 'utf8') });
  }
  return keys;
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
