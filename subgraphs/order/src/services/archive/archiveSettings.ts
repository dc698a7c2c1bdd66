import { parseEnvironment } from '@shopgraph/kit';
import { z } from 'zod';

/** Order archival settings (README "Order archival"), read when the order subgraph or the CLI starts. */
const schema = z.object({
  /** Orders placed (and last changed) more than this many days ago, in a final state, are archived. */
  ORDER_ARCHIVE_AFTER_DAYS: z.coerce.number().int().min(1).max(36_500).default(365),
  /** Orders moved per transaction. */
  ORDER_ARCHIVE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Seconds between archival passes of the periodic job (every instance runs it); 0, the default, turns it off. */
  ORDER_ARCHIVE_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(604_800).default(0),
});

export interface ArchiveSettings {
  afterDays: number;
  batchSize: number;
  intervalSeconds: number;
}

export const ARCHIVE_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(schema.shape);

export function loadArchiveSettings(env: NodeJS.ProcessEnv = process.env): ArchiveSettings {
  const e = parseEnvironment(schema, env, 'order archival');
  return { afterDays: e.ORDER_ARCHIVE_AFTER_DAYS, batchSize: e.ORDER_ARCHIVE_BATCH_SIZE, intervalSeconds: e.ORDER_ARCHIVE_INTERVAL_SECONDS };
}
