import { randomUUID } from 'node:crypto';
import type { Prisma } from '../generated/prisma/client.js';
import type { DomainEvent } from './domainEvent.js';
import { isoTimestamp, outboxChannel, outboxTable } from './outboxTable.js';
import { EVENT_TOPICS, isTopicName, type EventPayload, type EventSource, type TopicOf } from './topics.js';

/** An event to record: the registry supplies its aggregate; `id` only for an idempotent producer. */
export type NewEvent<S extends EventSource> = {
  [T in TopicOf<S>]: { topic: T; payload: EventPayload<T>; id?: string };
}[TopicOf<S>];

/** Who and which request caused the change; carried on every event. */
export interface EventMeta {
  requestId?: string;
  /** Identity subject. */
  actor?: string;
}

/** The interactive transaction's client (`prisma.$transaction(async (tx) => ...)`). */
export type OutboxTransaction = Pick<Prisma.TransactionClient, '$queryRawUnsafe'>;

interface InsertedRow {
  position: bigint | number;
  id: string;
  occurred_at: string;
}

/**
 * Records domain events in the source's outbox inside the caller's transaction: they
 * commit or roll back with the change. Call it AFTER changing the rows, so the row locks
 * order the events of one aggregate by commit. One SQL statement for the whole list; its
 * NOTIFY wakes the source's relay when the transaction commits.
 */
export async function recordEvents<S extends EventSource>(
  tx: OutboxTransaction,
  source: S,
  events: readonly NewEvent<S>[],
  meta: EventMeta = {},
): Promise<DomainEvent[]> {
  if ('$transaction' in tx) throw new Error('recordEvents must run inside prisma.$transaction(async (tx) => ...)');
  if (events.length === 0) return [];
  const rows = events.map((event) => {
    const topic: string = event.topic;
    if (!isTopicName(topic)) throw new Error(`unknown event topic ${topic}: add it to events/topics.ts`);
    const definition = EVENT_TOPICS[topic];
    if (definition.source !== source) throw new Error(`topic ${topic} belongs to ${definition.source}, not ${source}`);
    const parsed = definition.payload.safeParse(event.payload);
    if (!parsed.success) throw new Error(`invalid ${topic} payload: ${parsed.error.message}`);
    const payload = parsed.data as never;
    return {
      id: event.id ?? randomUUID(),
      topic,
      aggregateType: definition.aggregateType,
      aggregateId: (definition.aggregateIdOf as (p: unknown) => string)(payload),
      payload,
      requestId: meta.requestId ?? null,
      actor: meta.actor ?? null,
    };
  });
  const inserted = await tx.$queryRawUnsafe<InsertedRow[]>(
    `WITH ins AS (
       INSERT INTO ${outboxTable(source)} (event_id, topic, aggregate_type, aggregate_id, payload, request_id, actor, occurred_at)
       SELECT (e->>'id')::uuid, e->>'topic', e->>'aggregateType', e->>'aggregateId', e->'payload', e->>'requestId', e->>'actor', clock_timestamp()
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(e, n)
       ORDER BY n
       RETURNING position, event_id, occurred_at
     ), notified AS (SELECT pg_notify('${outboxChannel(source)}', ''))
     SELECT ins.position, ins.event_id::text AS id, ${isoTimestamp('ins.occurred_at')} AS occurred_at
     FROM ins, notified ORDER BY ins.position`,
    JSON.stringify(rows),
  );
  const byId = new Map(inserted.map((r) => [r.id, r]));
  return rows.map((row) => {
    const stored = byId.get(row.id)!;
    return {
      id: row.id,
      topic: row.topic,
      source,
      aggregateType: row.aggregateType,
      aggregateId: row.aggregateId,
      payload: row.payload,
      occurredAt: stored.occurred_at,
      sequence: Number(stored.position),
      ...(row.requestId !== null && { requestId: row.requestId }),
      ...(row.actor !== null && { actor: row.actor }),
    };
  });
}
