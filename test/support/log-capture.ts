/** A real winston logger writing into memory, and a way to wait for a given JSON log line. */
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '../../src/observability/logger';

export interface LogCapture {
  logger: Logger;
  /** Every line so far, parsed. */
  lines(): Record<string, unknown>[];
  /** The raw text so far. */
  text(): string;
  /** Resolves with the first line matching `predicate`, now or once it is written. */
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

export function captureLogs(level = 'info'): LogCapture {
  const stream = new PassThrough();
  let text = '';
  const waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve(line: Record<string, unknown>): void }[] = [];
  const lines = () =>
    text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const settle = () => {
    const all = lines();
    for (const w of waiters.splice(0)) {
      const hit = all.find(w.predicate);
      if (hit) w.resolve(hit);
      else waiters.push(w);
    }
  };
  stream.on('data', (c: Buffer) => {
    text += c.toString('utf8');
    settle();
  });
  return {
    logger: createLogger(level, stream),
    lines,
    text: () => text,
    waitFor(predicate) {
      return new Promise((resolve) => {
        waiters.push({ predicate, resolve });
        settle();
      });
    },
  };
}
