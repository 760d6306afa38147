/** Structured JSON logs (winston) with personal data and secrets redacted before output. */
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

export function createLogger(level = 'info', stream?: NodeJS.WritableStream): Logger {
  const transport = stream ? new winston.transports.Stream({ stream }) : new winston.transports.Console({ stderrLevels: [] });
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
