/** Structured JSON logs (winston) with personal data and secrets redacted before output. */
import { Writable } from 'node:stream';
import winston from 'winston';
import { redact } from './redact';

export type Logger = winston.Logger;

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    (info as Record<string, unknown>)[key] = redact((info as Record<string, unknown>)[key]);
  }
  return info;
});

/**
 * Log lines for stdout, gathered into one write per event-loop turn. The server logs a line per
 * call, and one write per line (a synchronous syscall when stdout is a file) costs more than the
 * rest of a small call. Lines still pending when the process exits are written on 'exit'.
 */
class BatchedStdout extends Writable {
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
    super({ decodeStrings: false });
    if (!BatchedStdout.exitHooked) {
      BatchedStdout.exitHooked = true;
      process.once('exit', BatchedStdout.flush);
    }
  }

  override _write(line: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    BatchedStdout.pending.push(String(line));
    if (!BatchedStdout.scheduled) {
      BatchedStdout.scheduled = true;
      setImmediate(BatchedStdout.flush);
    }
    done();
  }
}

export function createLogger(level = 'info', stream?: NodeJS.WritableStream): Logger {
  const transport = new winston.transports.Stream({ stream: stream ?? new BatchedStdout() });
  return winston.createLogger({
    level,
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
    defaultMeta: { service: 'actionbridge' },
    transports: [transport],
  });
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
