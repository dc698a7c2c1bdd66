import { z } from 'zod';
import { envFlag, internalSigningSecretSchema, parseEnvironment } from '@shopgraph/kit';

/** Webhook delivery settings (README "Webhooks"), read when the order subgraph is built. */
const schema = z.object({
  /** Attempts per delivery before it is dead-lettered (resendWebhookDelivery gives it as many again). */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Longest wait for a receiver's response, per attempt. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Backoff before retry n is a random delay in [0, min(max, base * 2^(n-1))] ("full jitter"). */
  WEBHOOK_BACKOFF_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(3_600_000),
  /** How often each instance looks for due deliveries; 0 turns the worker off. New events also wake it. */
  WEBHOOK_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(600_000).default(1_000),
  /** Deliveries one instance sends at once. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** Endpoints on loopback, private, link-local or otherwise non-public addresses: refused by default in production. */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: envFlag,
  /** Key material for the stored signing secrets (32+ characters); defaults to INTERNAL_SIGNING_SECRET. */
  WEBHOOK_SECRET_KEY: z.string().min(32).optional(),
  INTERNAL_SIGNING_SECRET: internalSigningSecretSchema,
  NODE_ENV: z.string().optional(),
});

export interface WebhookSettings {
  maxAttempts: number;
  timeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  pollIntervalMs: number;
  concurrency: number;
  allowPrivateNetworks: boolean;
  /** What the secrets' encryption key is derived from. */
  secretKeyMaterial: string;
  /** True when no key was configured and a development key is in use (logged at boot). */
  developmentKey: boolean;
}

export const WEBHOOK_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(schema.shape).filter((k) => k.startsWith('WEBHOOK_'));

/** Used only when neither WEBHOOK_SECRET_KEY nor INTERNAL_SIGNING_SECRET is set (insecure development). */
const DEVELOPMENT_KEY = 'shopgraph-development-webhook-key-not-for-production';

export function loadWebhookSettings(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const e = parseEnvironment(schema, env, 'webhooks');
  const production = e.NODE_ENV === 'production';
  const configuredKey = e.WEBHOOK_SECRET_KEY ?? e.INTERNAL_SIGNING_SECRET;
  if (!configuredKey && production) throw new Error('Invalid configuration for webhooks: set WEBHOOK_SECRET_KEY (or INTERNAL_SIGNING_SECRET) in production');
  return {
    maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    backoffBaseMs: e.WEBHOOK_BACKOFF_BASE_MS,
    backoffMaxMs: Math.max(e.WEBHOOK_BACKOFF_MAX_MS, e.WEBHOOK_BACKOFF_BASE_MS),
    pollIntervalMs: e.WEBHOOK_POLL_INTERVAL_MS,
    concurrency: e.WEBHOOK_CONCURRENCY,
    // Unset: allowed outside production (local receivers in development and tests), refused in it.
    allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS === undefined ? !production : e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    secretKeyMaterial: configuredKey ?? DEVELOPMENT_KEY,
    developmentKey: !configuredKey,
  };
}
