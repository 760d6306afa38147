/**
 * `actionbridge jobs list [--status dead] [--limit n] [--json]`, `jobs show <ref>`,
 * `jobs retry <ref>`: the outbox seen from the command line, dead letters included.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { StoreArtifacts } from '../../connectors/browser-robot/artifacts';
import { loadConfig } from '../../config';
import { parseJobReference } from '../../delivery/job-reference';
import { JOB_STATUSES, Outbox, type Job, type JobStatus } from '../../delivery/outbox';
import { FieldCipher, openStore } from '../../store';
import type { Io } from './io';

export const JOBS_USAGE = `  jobs list                  List outbox jobs, newest first.
      --status s               Only jobs in this status (${JOB_STATUSES.join(', ')}).
      --limit n                At most n jobs (default 50).
      --json                   One JSON array instead of a table.
  jobs show <ref|key>        Everything about one job, by its reference (REF-...) or the key it got (SUP-12).
  jobs retry <ref>           Put a dead (or stuck) job back in line with fresh attempts.
  jobs artifact <id> --out f Write what a robot kept for a job (a failure screenshot, the page's text) to a file.`;

export class JobsUsageError extends Error {}

export async function jobsCommand(args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, out: { type: 'string' } },
  });
  if (sub === 'artifact') return artifactCommand(positionals[0], values.out, io, env);
  if (sub !== 'list' && sub !== 'show' && sub !== 'retry') throw new JobsUsageError(`jobs: expected list, show, retry or artifact, got '${sub ?? ''}'`);
  let status: JobStatus | undefined;
  if (values.status !== undefined) {
    if (!(JOB_STATUSES as readonly string[]).includes(values.status)) throw new JobsUsageError(`--status must be one of ${JOB_STATUSES.join(', ')}`);
    status = values.status as JobStatus;
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit <= 0) throw new JobsUsageError('--limit must be a positive whole number');
  let reference: string | null = null;
  let vendorKey: string | null = null;
  if (sub !== 'list') {
    reference = parseJobReference(positionals[0]);
    if (!reference && sub === 'show' && /^[A-Za-z][A-Za-z0-9_]*-\d+$/.test(positionals[0] ?? '')) vendorKey = positionals[0]!.toUpperCase();
    else if (!reference) throw new JobsUsageError(`jobs ${sub} needs a job reference such as REF-0A1B2C3D4E${sub === 'show' ? ' or a ticket key such as SUP-12' : ''}`);
  }

  const config = loadConfig(env);
  const { store } = await openStore(config);
  try {
    const outbox = new Outbox(store, { cipher: new FieldCipher(config.DATA_ENCRYPTION_KEY ?? []) });
    if (sub === 'list') {
      const jobs = await outbox.list({ status, limit });
      if (values.json) io.out(JSON.stringify(jobs.map(view)));
      else if (jobs.length === 0) io.out(status ? `No ${status} jobs.` : 'No jobs.');
      else for (const j of jobs) io.out(line(j));
      return 0;
    }
    const job = reference ? await outbox.get(reference) : await outbox.findByResultKey(vendorKey!);
    if (!job) {
      io.err(reference ? `No job ${reference}.` : `No job filed ${vendorKey}.`);
      return 1;
    }
    if (sub === 'show') {
      // What a robot saw when a step failed (#19): listed here, written out by `jobs artifact`.
      const artifacts = (await new StoreArtifacts(store).list(job.reference)).map((a) => ({ id: a.id, kind: a.kind, step: a.step, contentType: a.contentType, bytes: a.bytes, createdAt: a.createdAt.toISOString(), get: `actionbridge jobs artifact ${a.id} --out <file>` }));
      io.out(JSON.stringify({ ...view(job), ...(artifacts.length > 0 ? { artifacts } : {}) }, null, 2));
      return 0;
    }
    if (!(await outbox.retry(job.reference))) {
      io.err(`Job ${job.reference} is already done; nothing to retry.`);
      return 1;
    }
    io.out(`Job ${job.reference} (${job.type}) is queued again; a worker will deliver it shortly.`);
    return 0;
  } finally {
    await store.close();
  }
}

function view(j: Job): Record<string, unknown> {
  return {
    reference: j.reference,
    type: j.type,
    status: j.status,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    nextAttemptAt: j.nextAttemptAt.toISOString(),
    lastError: j.lastError,
    result: j.result,
    payload: j.payload,
    idempotencyKey: j.idempotencyKey,
    createdAt: j.createdAt.toISOString(),
    updatedAt: j.updatedAt.toISOString(),
    completedAt: j.completedAt?.toISOString() ?? null,
  };
}

function line(j: Job): string {
  const error = j.lastError ? `  ${j.lastError.replace(/\s+/g, ' ').slice(0, 100)}` : '';
  return `${j.reference}  ${j.type.padEnd(16)} ${j.status.padEnd(8)} ${j.attempts}/${j.maxAttempts}  ${j.createdAt.toISOString()}${error}`;
}

/** `jobs artifact <id> --out <file>`: a screenshot is binary, so it goes to a file, never the terminal. */
async function artifactCommand(id: string | undefined, out: string | undefined, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  if (!id || !/^\d{1,18}$/.test(id)) throw new JobsUsageError('jobs artifact needs an artifact id, as `jobs show REF-...` lists them');
  if (!out) throw new JobsUsageError('jobs artifact needs --out <file> to write it to');
  const config = loadConfig(env);
  const { store } = await openStore(config);
  try {
    const artifact = await new StoreArtifacts(store, new FieldCipher(config.DATA_ENCRYPTION_KEY ?? [])).get(id);
    if (!artifact) {
      io.err(`No artifact ${id}.`);
      return 1;
    }
    fs.writeFileSync(out, artifact.content, { mode: 0o600 });
    io.out(`Wrote ${artifact.kind} of ${artifact.reference} (${artifact.step}, ${artifact.bytes} bytes, ${artifact.contentType}) to ${out}.`);
    return 0;
  } finally {
    await store.close();
  }
}
