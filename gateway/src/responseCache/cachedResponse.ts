import { createHash } from 'node:crypto';

/** A stored response: the exact bytes served, and what decides its life. */
export interface CachedResponse {
  body: string;
  contentType: string;
  /** Strong validator: the same bytes give the same ETag on every gateway instance. */
  etag: string;
  /** Epoch milliseconds. */
  storedAt: number;
  /** Seconds, from the response's cache policy (the smallest hint of every subgraph it touched). */
  maxAge: number;
  /** Entities the response shows; a write event naming one evicts it. */
  tags: string[];
}

export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** Seconds the entry has been stored, as the Age header reports it. */
export function ageOf(entry: CachedResponse, now = Date.now()): number {
  return Math.max(0, Math.floor((now - entry.storedAt) / 1000));
}

export function isFresh(entry: CachedResponse, now = Date.now()): boolean {
  return now - entry.storedAt < entry.maxAge * 1000;
}
