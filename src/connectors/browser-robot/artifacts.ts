/**
 * Where a robot keeps what it saw when a step failed (and the screenshots a flow asks for): the
 * `job_artifacts` table, by the job's reference, encrypted like the outbox when
 * DATA_ENCRYPTION_KEY is set. `jobs show REF-…` lists them; `jobs artifact <id>` writes one out.
 */
import { isEncryptedField, type FieldCipher, type Queryable } from '../../store';

export type ArtifactKind = 'failure_screenshot' | 'failure_text' | 'screenshot';

export interface NewArtifact {
  reference: string;
  task: string;
  /** The step it was taken at, e.g. `steps[4] (click)`. */
  step: string;
  kind: ArtifactKind;
  contentType: 'image/png' | 'text/plain';
  content: Buffer;
}

export interface ArtifactInfo {
  id: string;
  reference: string;
  task: string;
  step: string;
  kind: ArtifactKind;
  contentType: string;
  bytes: number;
  createdAt: Date;
}

export interface ArtifactSink {
  /** Keeps it; resolves with its id. */
  save(artifact: NewArtifact): Promise<string>;
}

/** Per job, at most this many are kept (every attempt of a failing flow adds two). */
const KEEP_PER_JOB = 24;

interface Row {
  id: string | number;
  reference: string;
  task: string;
  step: string;
  kind: ArtifactKind;
  content_type: string;
  bytes: number;
  created_at: Date | string;
  content?: string;
}

export class StoreArtifacts implements ArtifactSink {
  constructor(
    private readonly store: Queryable,
    private readonly cipher?: FieldCipher,
  ) {}

  async save(a: NewArtifact): Promise<string> {
    const encoded = a.contentType === 'text/plain' ? a.content.toString('utf8') : a.content.toString('base64');
    const content = this.cipher?.enabled ? this.cipher.encryptField(encoded, context(a.reference)) : encoded;
    const { rows } = await this.store.query<{ id: string | number }>(
      `INSERT INTO job_artifacts (reference, task, step, kind, content_type, content, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [a.reference, a.task, a.step.slice(0, 200), a.kind, a.contentType, content, a.content.length],
    );
    await this.store.query(
      `DELETE FROM job_artifacts WHERE reference = $1 AND id NOT IN (SELECT id FROM job_artifacts WHERE reference = $1 ORDER BY id DESC LIMIT ${KEEP_PER_JOB})`,
      [a.reference],
    );
    return String(rows[0]!.id);
  }

  async list(reference: string): Promise<ArtifactInfo[]> {
    const { rows } = await this.store.query<Row>(
      `SELECT id, reference, task, step, kind, content_type, bytes, created_at FROM job_artifacts WHERE reference = $1 ORDER BY id`,
      [reference],
    );
    return rows.map(info);
  }

  /** One artifact with its content, or null when there is no such id. */
  async get(id: string): Promise<(ArtifactInfo & { content: Buffer }) | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const { rows } = await this.store.query<Row>(`SELECT * FROM job_artifacts WHERE id = $1`, [id]);
    const row = rows[0];
    if (!row) return null;
    let text = row.content ?? '';
    if (this.cipher && isEncryptedField(text)) text = this.cipher.decryptField(text, context(row.reference));
    return { ...info(row), content: row.content_type === 'text/plain' ? Buffer.from(text, 'utf8') : Buffer.from(text, 'base64') };
  }
}

function info(r: Row): ArtifactInfo {
  return { id: String(r.id), reference: r.reference, task: r.task, step: r.step, kind: r.kind, contentType: r.content_type, bytes: Number(r.bytes), createdAt: new Date(r.created_at) };
}

function context(reference: string): string {
  return `job_artifacts:${reference}`;
}
