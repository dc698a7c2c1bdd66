import { ensureTemplateDatabase } from './testDatabase.js';

/** vitest globalSetup: one migrated + seeded template for the whole run. */
export default async function setup(): Promise<void> {
  await ensureTemplateDatabase();
}
