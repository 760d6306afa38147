/** Structured JSON logs (winston) with personal data and secrets redacted before output. */
import fs from 'node:fs';
import os from 'node:os';
import winston from 'winston';
import type TransportStream from 'winston-transport';
import { redact } from './redact';
import { activeTraceId } from './tracing';

export type Logger = winston.Logger;

const MESSAGE = Symbol.for('message');
/** logform's serializer (keys sorted, bigint as string), for lines with nested values. */
const nestedJson = winston.format.json();

/**
 * Redaction, timestamp and JSON in one pass: the server writes a line per call, and three
 * chained formats plus a serializer configured anew for every line cost more than the call.
 * A flat line (every value a string, number, boolean or null, like the per-call line) is
 * serialized here with sorted keys, exactly as logform's json format writes it.
 */
const lineFormat = winston.format((info) => {
  const fields = info as Record<string, unknown>;
  let flat = true;
  for (const key of Object.keys(fields)) {
    if (key === 'level') continue;
    const value = redact(fields[key]);
    fields[key] = value;
    if (typeof value === 'object' ? value !== null : typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') flat = false;
  }
  if (!fields.timestamp) fields.timestamp = new Date().toISOString();
  const traceId = activeTraceId();
  if (traceId !== undefined && fields.trace_id === undefined) fields.trace_id = traceId;
  if (!flat) return nestedJson.transform(info, nestedJson.options);
  const keys = Object.keys(fields).sort();
  let line = '{';
  for (let i = 0; i < keys.length; i++) {
    const value = fields[keys[i]!];
    const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : 'null') : JSON.stringify(value);
    line += `${i === 0 ? '' : ','}${JSON.stringify(keys[i])}:${text}`;
  }
  (info as Record<symbol, unknown>)[MESSAGE] = `${line}}`;
  return info;
});

const Transport = (winston as unknown as { Transport: typeof TransportStream }).Transport;

/**
 * Log lines for stdout, gathered into one write per event-loop turn: one write per line (a
 * synchronous syscall when stdout is a file) cost more than the rest of a small call. Lines
 * still pending when the process exits are written on 'exit'.
 */
class BatchedStdout extends Transport {
  private static pending: string[] = [];
  private static scheduled = false;
  private static exitHooked = false;

  static flush(): void {
    BatchedStdout.scheduled = false;
    if (BatchedStdout.pending.length === 0) return;
    const text = BatchedStdout.pending.join('');
    BatchedStdout.pending = [];
    process.stdout.write(text);
  }

  constructor() {
    super();
    if (!BatchedStdout.exitHooked) {
      BatchedStdout.exitHooked = true;
      process.once('exit', BatchedStdout.flush);
    }
  }

  override log(info: { [MESSAGE]?: unknown }, next: () => void): void {
    BatchedStdout.pending.push(`${String(info[MESSAGE])}${os.EOL}`);
    if (!BatchedStdout.scheduled) {
      BatchedStdout.scheduled = true;
      setImmediate(BatchedStdout.flush);
    }
    this.emit('logged', info);
    next();
  }
}

/**
 * Lines for LOG_FILE, gathered like stdout's and appended with one synchronous write per turn, so
 * the last lines before `process.exit` are in the file too.
 */
class BatchedFile extends Transport {
  private pending: string[] = [];
  private scheduled = false;
  private failed = false;

  constructor(private readonly fd: number) {
    super();
    process.once('exit', this.flush);
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    try {
      fs.writeSync(this.fd, text);
    } catch (err) {
      // A full disk must not stop the server; stdout still has every line.
      if (!this.failed) process.stderr.write(`log file write failed (${(err as NodeJS.ErrnoException).code ?? 'error'}); lines go to stdout only\n`);
      this.failed = true;
    }
  };

  override log(info: { [MESSAGE]?: unknown }, next: () => void): void {
    this.pending.push(`${String(info[MESSAGE])}${os.EOL}`);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
    this.emit('logged', info);
    next();
  }

  override close(): void {
    this.flush();
    process.off('exit', this.flush);
    fs.closeSync(this.fd);
  }
}

/** Opens LOG_FILE for appending now, so a bad path stops start-up with a message naming it. */
function openLogFile(file: string): number {
  try {
    return fs.openSync(file, 'a');
  } catch (err) {
    throw new Error(`LOG_FILE: cannot open ${file} for appending (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export interface LoggerOptions {
  /** Also append every line to this file (LOG_FILE). */
  file?: string;
}

export function createLogger(level = 'info', stream?: NodeJS.WritableStream, opts: LoggerOptions = {}): Logger {
  const transport = stream ? new winston.transports.Stream({ stream }) : new BatchedStdout();
  const transports: TransportStream[] = [transport];
  if (opts.file) transports.push(new BatchedFile(openLogFile(opts.file)));
  return winston.createLogger({
    level,
    format: lineFormat(),
    defaultMeta: { service: 'actionbridge' },
    transports,
  });
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
