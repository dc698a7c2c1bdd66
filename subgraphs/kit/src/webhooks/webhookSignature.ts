import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Shopgraph's webhook signature (Stripe-like). Every delivery carries
 *   Shopgraph-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of `${t}.${body}` under the endpoint's secret>
 * with one v1 per secret in force (two while a rotated-out secret is still honoured).
 * Receivers check it with verifyWebhookSignature; the sender signs with signWebhook.
 * This file depends on node:crypto only, so a receiver can copy it as it is.
 */

export const WEBHOOK_HEADERS = {
  signature: 'shopgraph-signature',
  eventId: 'shopgraph-event-id',
  eventType: 'shopgraph-event-type',
  timestamp: 'shopgraph-timestamp',
  /** 1 for the first attempt of a delivery; a receiver still deduplicates on the event id. */
  attempt: 'shopgraph-delivery-attempt',
} as const;

/** A receiver refuses a signature older (or further in the future) than this by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new endpoint secret: "whsec_" and 32 random bytes, base64url. The whole string is the HMAC key. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

function hmac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The Shopgraph-Signature header value for `body` sent at `timestamp` (unix seconds), one v1 per secret. */
export function signWebhook(secrets: readonly string[], timestamp: number, body: string): string {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmac(s, timestamp, body)}`)].join(',');
}

export type WebhookVerification = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'too_old' | 'too_new' | 'mismatch' };

/**
 * Checks a delivery: the header parses, its timestamp is within `toleranceSeconds` of `now`
 * (replays of an old delivery are refused) and one of its v1 signatures is the HMAC of
 * `${t}.${rawBody}` under `secret`. Pass the raw body exactly as received, before any JSON
 * parsing. Compares in constant time.
 */
export function verifyWebhookSignature(options: {
  header: string | null | undefined;
  rawBody: string;
  secret: string;
  toleranceSeconds?: number;
  /** Unix seconds; tests move it. */
  now?: number;
}): WebhookVerification {
  const { header, rawBody, secret } = options;
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (timestamp < now - tolerance) return { ok: false, reason: 'too_old' };
  if (timestamp > now + tolerance) return { ok: false, reason: 'too_new' };
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}
