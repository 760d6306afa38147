/**
 * One-time codes in the store (embedded PGlite or PostgreSQL alike), table `one_time_codes`
 * (migration 0009). A row holds the hash of the one live code per purpose, record and
 * conversation; `one_time_code_issues` remembers when codes were sent per record, to cap how
 * often one inbox is mailed.
 *
 * A try is counted before the code is compared, in one conditional UPDATE: a burst of concurrent
 * guesses gets no more tries than the limit. A right code is consumed by a DELETE of exactly the
 * row it was checked against, so two conversations racing with one code cannot both succeed.
 *
 * What is approved (the new address) is kept only as a hash, and that hash is sealed with
 * DATA_ENCRYPTION_KEY when one is set (src/store/cipher.ts); it is compared, never looked up.
 */
import type { CodeCheck, CodeIssue, CodeSubject, OneTimeCodes } from '../ports/one-time-codes';
import { FieldCipherError, PLAINTEXT, type FieldCipher, type Store } from '../store';
import { codeMatches, digestOf, hashCode, newCode, newSalt } from './code-secret';

export interface OneTimeCodeSettings {
  /** How long a code works. */
  ttlMs: number;
  /** Wrong tries that burn a code. */
  maxAttempts: number;
  /** Codes per record (from any conversation) within `issueWindowMs`. */
  maxIssues: number;
  issueWindowMs: number;
}

export const DEFAULT_CODE_SETTINGS: OneTimeCodeSettings = { ttlMs: 10 * 60_000, maxAttempts: 5, maxIssues: 3, issueWindowMs: 15 * 60_000 };

/** Expired rows are kept a while (so "expired" can be told apart from "none"), then swept on issue. */
const KEEP_EXPIRED_MS = 24 * 60 * 60_000;

interface CodeRow {
  details_hash: string;
  code_hash: Uint8Array;
  salt: Uint8Array;
  attempts: number;
  max_attempts: number;
  expires_at: Date | string;
}

interface Key {
  purpose: string;
  recordId: string;
  conversationHash: string;
  detailsHash: string;
  /** What the code's hash is bound to. */
  binding: string;
}

function keyOf(subject: CodeSubject): Key {
  const conversationHash = digestOf(subject.conversation);
  const detailsHash = digestOf(subject.details);
  return {
    purpose: subject.purpose,
    recordId: subject.recordId,
    conversationHash,
    detailsHash,
    binding: [subject.purpose, subject.recordId, conversationHash, detailsHash].join('\u0000'),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

export interface OneTimeCodeOptions {
  /** The clock; tests move it to expire codes and windows. */
  now?: () => number;
  /** Seals the hash of what a code approves; plaintext passes through without a key. */
  cipher?: FieldCipher;
}

/** Binds a sealed value to its row: copied into another row, it does not open. */
const sealContext = (key: Key) => `one_time_codes:${key.purpose}:${key.recordId}:${key.conversationHash}`;

export class StoreOneTimeCodes implements OneTimeCodes {
  private readonly settings: OneTimeCodeSettings;
  private readonly now: () => number;
  private readonly cipher: FieldCipher;

  constructor(
    private readonly store: Store,
    settings: Partial<OneTimeCodeSettings> = {},
    opts: OneTimeCodeOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.cipher = opts.cipher ?? PLAINTEXT;
    // A setting left undefined keeps its default rather than becoming NaN arithmetic.
    const d = DEFAULT_CODE_SETTINGS;
    this.settings = {
      ttlMs: settings.ttlMs ?? d.ttlMs,
      maxAttempts: settings.maxAttempts ?? d.maxAttempts,
      maxIssues: settings.maxIssues ?? d.maxIssues,
      issueWindowMs: settings.issueWindowMs ?? d.issueWindowMs,
    };
  }

  async issue(subject: CodeSubject): Promise<CodeIssue> {
    const key = keyOf(subject);
    const { ttlMs, maxAttempts, maxIssues, issueWindowMs } = this.settings;
    const code = newCode();
    const salt = newSalt();
    const codeHash = await hashCode(code, salt, key.binding);
    const now = this.now();
    const windowStart = iso(now - issueWindowMs);
    return this.store.transaction(async (tx): Promise<CodeIssue> => {
      // Concurrent requests for one record take turns, so the count below cannot be overrun.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`one_time_code:${key.purpose}:${key.recordId}`]);
      await tx.query('DELETE FROM one_time_code_issues WHERE purpose = $1 AND record_id = $2 AND issued_at <= $3::timestamptz', [key.purpose, key.recordId, windowStart]);
      const { rows } = await tx.query<{ n: number; oldest: Date | string | null }>(
        'SELECT count(*)::int AS n, min(issued_at) AS oldest FROM one_time_code_issues WHERE purpose = $1 AND record_id = $2 AND issued_at > $3::timestamptz',
        [key.purpose, key.recordId, windowStart],
      );
      const { n, oldest } = rows[0] ?? { n: 0, oldest: null };
      if (n >= maxIssues) {
        const freeAt = (oldest === null ? now : new Date(oldest).getTime()) + issueWindowMs;
        return { ok: false, reason: 'too_many', retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
      }
      await tx.query('INSERT INTO one_time_code_issues (purpose, record_id, issued_at) VALUES ($1, $2, $3::timestamptz)', [key.purpose, key.recordId, iso(now)]);
      const expiresAt = now + ttlMs;
      await tx.query(
        `INSERT INTO one_time_codes (purpose, record_id, conversation_hash, details_hash, code_hash, salt, attempts, max_attempts, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8::timestamptz, $9::timestamptz)
         ON CONFLICT (purpose, record_id, conversation_hash) DO UPDATE SET
           details_hash = EXCLUDED.details_hash, code_hash = EXCLUDED.code_hash, salt = EXCLUDED.salt, attempts = 0,
           max_attempts = EXCLUDED.max_attempts, issued_at = EXCLUDED.issued_at, expires_at = EXCLUDED.expires_at`,
        [key.purpose, key.recordId, key.conversationHash, this.cipher.encryptField(key.detailsHash, sealContext(key)), codeHash, salt, maxAttempts, iso(now), iso(expiresAt)],
      );
      await tx.query('DELETE FROM one_time_codes WHERE expires_at < $1::timestamptz', [iso(now - KEEP_EXPIRED_MS)]);
      return { ok: true, code, expiresAt: new Date(expiresAt) };
    });
  }

  async verify(subject: CodeSubject, code: string): Promise<CodeCheck> {
    const key = keyOf(subject);
    const where = 'purpose = $1 AND record_id = $2 AND conversation_hash = $3';
    const params = [key.purpose, key.recordId, key.conversationHash];
    const { rows } = await this.store.query<CodeRow>(`SELECT details_hash, code_hash, salt, attempts, max_attempts, expires_at FROM one_time_codes WHERE ${where}`, params);
    const row = rows[0];
    if (!row || this.openDetails(row.details_hash, key) !== key.detailsHash) return { ok: false, reason: 'none' };
    if (new Date(row.expires_at).getTime() <= this.now()) return { ok: false, reason: 'expired' };
    if (row.attempts >= row.max_attempts) return { ok: false, reason: 'burned' };

    const salt = Buffer.from(row.salt);
    // The salt tells this code's row from a replacement issued in the meantime.
    const counted = await this.store.query<{ attempts: number }>(
      `UPDATE one_time_codes SET attempts = attempts + 1 WHERE ${where} AND salt = $4 AND attempts < max_attempts RETURNING attempts`,
      [...params, salt],
    );
    const attempts = counted.rows[0]?.attempts;
    if (attempts === undefined) return { ok: false, reason: 'burned' };

    if (!(await codeMatches(code, salt, key.binding, Buffer.from(row.code_hash)))) {
      return { ok: false, reason: 'wrong', attemptsLeft: Math.max(0, row.max_attempts - attempts) };
    }
    const used = await this.store.query(`DELETE FROM one_time_codes WHERE ${where} AND salt = $4`, [...params, salt]);
    return used.rowCount > 0 ? { ok: true } : { ok: false, reason: 'none' };
  }

  /** The stored hash of what the code approves; one sealed under a key since removed matches nothing. */
  private openDetails(stored: string, key: Key): string | undefined {
    try {
      return this.cipher.decryptField(stored, sealContext(key));
    } catch (err) {
      if (err instanceof FieldCipherError) return undefined;
      throw err;
    }
  }
}
