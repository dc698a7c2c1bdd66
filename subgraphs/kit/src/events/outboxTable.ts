import { isEventSource, type EventSource } from './topics.js';

/** `"<source>".outbox_event`, for a source from the fixed list only (it is put into SQL). */
export function outboxTable(source: EventSource): string {
  if (!isEventSource(source)) throw new Error(`unknown event source ${String(source)}`);
  return `"${source}"."outbox_event"`;
}

/** NOTIFY channel a recording transaction signals at commit; the source's relay LISTENs. */
export function outboxChannel(source: EventSource): string {
  return `shopgraph_outbox_${source}`;
}

/** A timestamptz column as ISO 8601 in UTC with its microseconds (JS Dates keep only milliseconds). */
export function isoTimestamp(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
