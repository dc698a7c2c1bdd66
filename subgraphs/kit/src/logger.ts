import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout, one logger per service; children carry the request id. `destination`
 * replaces stdout (tests read the very lines a service writes: testing/logCapture.ts).
 */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const options = { name: service, level, base: { service } };
  return destination ? pino(options, destination) : pino(options);
}
