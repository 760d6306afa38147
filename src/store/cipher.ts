/**
 * Encryption at rest for columns that carry personal data (outbox payloads and results, the
 * audit log's sender, one-time codes). AES-256-GCM with a random 96-bit IV per value; the stored
 * text is a versioned envelope naming the key it was sealed with:
 *
 *   enc:v1:<key id>:<iv>:<tag>:<ciphertext>        (the last three base64url)
 *
 * Several keys may be configured for rotation: the first seals, every one opens. With no key the
 * cipher passes text through, and reading always accepts plaintext too, so a table may hold a mix
 * while `actionbridge data reencrypt` works through it.
 *
 * `context` is bound to the value as additional authenticated data (e.g. table, column and row):
 * a sealed value copied into another row or column then refuses to open instead of reading as
 * someone else's data.
 */
import crypto from 'node:crypto';
import { parseKeyList } from './key-list';

const ENVELOPE = /^enc:v1:([A-Za-z0-9_.-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]*)$/;
const PREFIX = 'enc:v1:';

export interface DataKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** A value that could not be opened; the message says why without quoting the value. */
export class FieldCipherError extends Error {
  constructor(
    readonly reason: 'unknown_key' | 'bad_value',
    message: string,
  ) {
    super(message);
    this.name = 'FieldCipherError';
  }
}

/**
 * Parses `id:key[,id:key...]`, each key 32 bytes as base64 (`openssl rand -base64 32`) or 64 hex
 * digits. Throws an Error naming what is wrong, never quoting a key.
 */
export function parseDataKeys(spec: string): DataKey[] {
  return parseKeyList(spec, 'key', (id, material) => {
    const hex = /^[0-9a-f]{64}$/i.test(material);
    const key = hex ? Buffer.from(material, 'hex') : Buffer.from(material, 'base64');
    if (key.length !== 32 || (!hex && key.toString('base64') !== material)) {
      throw new Error(`key '${id}' must be 32 bytes as base64 (openssl rand -base64 32) or 64 hex digits`);
    }
    return { id, key };
  });
}

/** True when `stored` is a sealed envelope (of any key). */
export function isEncryptedField(stored: unknown): stored is string {
  return typeof stored === 'string' && stored.startsWith(PREFIX) && ENVELOPE.test(stored);
}

/** The id of the key a sealed value names; null for plaintext. */
export function fieldKeyId(stored: unknown): string | null {
  if (typeof stored !== 'string' || !stored.startsWith(PREFIX)) return null;
  return ENVELOPE.exec(stored)?.[1] ?? null;
}

export class FieldCipher {
  private readonly byId: ReadonlyMap<string, Buffer>;

  constructor(private readonly keys: readonly DataKey[] = []) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** Whether new values are sealed (a key is configured). */
  get enabled(): boolean {
    return this.keys.length > 0;
  }

  /** The key new values are sealed with; null when values are written as plaintext. */
  get currentKeyId(): string | null {
    return this.keys[0]?.id ?? null;
  }

  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** Seals `text` under the first key; returns it unchanged when no key is configured. */
  encryptField(text: string, context = ''): string {
    const current = this.keys[0];
    if (!current) return text;
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', current.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return `${PREFIX}${current.id}:${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** Opens a sealed value; plaintext is returned as it is. Throws FieldCipherError when it cannot. */
  decryptField(stored: string, context = ''): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const m = ENVELOPE.exec(stored);
    if (!m) throw new FieldCipherError('bad_value', 'an encrypted value is malformed (altered in the database?)');
    const [, id, iv, tag, ct] = m as unknown as [string, string, string, string, string];
    const key = this.byId.get(id);
    if (!key) {
      const have = this.keys.length ? `it holds ${this.keyIds.map((k) => `'${k}'`).join(', ')}` : 'it is not set';
      throw new FieldCipherError('unknown_key', `a value is encrypted with key '${id}', which DATA_ENCRYPTION_KEY does not hold (${have})`);
    }
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldCipherError('bad_value', `a value encrypted with key '${id}' does not open: the key's material is wrong, or the value was altered or moved from another row`);
    }
  }

  /** True when the value is not sealed under the current key (plaintext, or an older key). */
  needsRewrite(stored: string): boolean {
    return this.enabled && fieldKeyId(stored) !== this.currentKeyId;
  }

  /**
   * For a jsonb column: the value to store (as JSON) in place of `value`. Sealed, it becomes one
   * JSON string holding the envelope; without a key it is `value` itself.
   */
  encryptJson(value: unknown, context = ''): unknown {
    return this.enabled ? this.encryptField(JSON.stringify(value ?? null), context) : value;
  }

  /** For a jsonb column as read: the value it holds, whether sealed or plaintext. */
  decryptJson(stored: unknown, context = ''): unknown {
    return isEncryptedField(stored) ? (JSON.parse(this.decryptField(stored, context)) as unknown) : stored;
  }
}

/** The cipher with no key: writes plaintext, reads plaintext, refuses sealed values clearly. */
export const PLAINTEXT = new FieldCipher();
