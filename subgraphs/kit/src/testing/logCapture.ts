import { createLogger, type Logger } from '../logger.js';

/** One pino JSON line as a test reads it. */
export type LogLine = Record<string, unknown> & { msg?: string; level: number; requestId?: string };

/** A real pino logger (the service's own format) whose lines a test can read back. */
export interface CapturedLogger {
  logger: Logger;
  lines: LogLine[];
  /** Lines carrying this request id. */
  withRequestId(requestId: string): LogLine[];
}

export function captureLogger(service: string, level = 'debug'): CapturedLogger {
  const lines: LogLine[] = [];
  const logger = createLogger(service, level, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, withRequestId: (requestId) => lines.filter((l) => l.requestId === requestId) };
}
