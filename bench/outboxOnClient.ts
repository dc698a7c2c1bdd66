// The benches' writers record events on plain pg connections (one per writer, as a service's
// pool would give it), so they see when BEGIN and COMMIT are sent.
import type pg from 'pg';
import { recordEvents, type EventSource, type NewEvent, type OutboxTransaction } from '@shopgraph/kit';

/** recordEvents' transaction, on a plain pg connection inside a transaction the caller opened. */
export function asTransaction(client: pg.Client): OutboxTransaction {
  return { $queryRawUnsafe: async (sql: string, ...values: unknown[]): Promise<unknown[]> => (await client.query(sql, values)).rows as unknown[] } as unknown as OutboxTransaction;
}

/** Records `events` of `source` to its outbox in one transaction of their own. */
export async function recordCommitted<S extends EventSource>(client: pg.Client, source: S, events: NewEvent<S>[]): Promise<void> {
  await client.query('BEGIN');
  await recordEvents(asTransaction(client), source, events);
  await client.query('COMMIT');
}
