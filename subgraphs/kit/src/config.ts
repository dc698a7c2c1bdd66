import { z } from 'zod';
import { MIN_SECRET_LENGTH } from './auth/internalSignature.js';

/** Ports of the contract in design.md; each can be moved with PORT or <NAME>_URL. */
export const SERVICE_PORTS = {
  gateway: 4000,
  product: 4001,
  inventory: 4002,
  cart: 4003,
  order: 4004,
  recommendation: 4005,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;
export type SubgraphName = Exclude<ServiceName, 'gateway'>;
export const SUBGRAPH_NAMES: readonly SubgraphName[] = ['product', 'inventory', 'cart', 'order', 'recommendation'];

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/shopgraph';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();

/** "1"/"true"/"yes"/"on" switch a flag on; unset, "", "0", "false", "no" or "off" leave it off. */
export const envFlag = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['', '0', '1', 'true', 'false', 'yes', 'no', 'on', 'off']))
  .optional()
  .transform((v) => v === '1' || v === 'true' || v === 'yes' || v === 'on');

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: optionalUrl,
  OPENSEARCH_URL: optionalUrl,
  /** "off" bypasses L1 and L2 (a baseline for the bench, or to rule the cache out). */
  SHOPGRAPH_CACHE: z.enum(['on', 'off']).default('on'),
  /** The gateway's whole-response cache alone ("off" keeps the subgraphs' caches on). */
  SHOPGRAPH_RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Shared by the gateway (signs the caller's identity) and every subgraph (verifies it). */
  INTERNAL_SIGNING_SECRET: z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional())
    .optional(),
  /** Development only: subgraphs serve unsigned requests as anonymous, and say so in the log. */
  SHOPGRAPH_INSECURE_SUBGRAPHS: envFlag,
  /** Published outbox rows (and the PostgreSQL bus's log) are kept this long. */
  EVENTS_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24),
  /** After Redis restarted empty, events published this recently are published again. */
  EVENTS_REPLAY_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  /** Recommendation subgraph: seconds between background refreshes of the precomputed recommendations; 0 turns the loop off. */
  RECO_REFRESH_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Product images: where uploads and renditions are stored (the gateway and the product subgraph must share it). */
  MEDIA_DIR: z.string().trim().min(1).optional(),
  /** Prefix of public image URLs: "/media" on the gateway's origin, or a CDN in front of it. */
  MEDIA_PUBLIC_URL: z.string().trim().min(1).optional(),
  /** Largest image upload in bytes (default 20 MiB). */
  MEDIA_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1_000).max(1_000_000_000).optional(),
  /** Largest width x height an image upload may declare (default 50 megapixels). */
  MEDIA_MAX_PIXELS: z.coerce.number().int().min(1).max(1_000_000_000).optional(),
});

/** Every environment variable a service reads (docker-compose is checked against this). */
export const SERVICE_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

export interface ServiceConfig {
  service: ServiceName;
  port: number;
  host: string;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string | undefined;
  openSearchUrl: string | undefined;
  cacheEnabled: boolean;
  /** The gateway's response cache: on only when caching is on at all. */
  responseCacheEnabled: boolean;
  logLevel: string;
  /** Required to serve (createInternalAuth refuses to go on without it unless insecureSubgraphs). */
  internalSigningSecret: string | undefined;
  insecureSubgraphs: boolean;
  eventsRetentionHours: number;
  eventsReplayMinutes: number;
  recoRefreshIntervalSeconds: number;
  media: { dir: string | undefined; publicUrl: string | undefined; maxUploadBytes: number | undefined; maxPixels: number | undefined };
}

/** Reads and validates the environment once at boot; a bad value stops the process with its name. */
export function loadServiceConfig(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration for ${service}: ${details}`);
  }
  const e = parsed.data;
  if (e.EVENTS_REPLAY_MINUTES > e.EVENTS_RETENTION_HOURS * 60) {
    throw new Error(`Invalid configuration for ${service}: EVENTS_REPLAY_MINUTES must not exceed EVENTS_RETENTION_HOURS (replayed events come from retained rows)`);
  }
  return {
    service,
    port: e.PORT ?? SERVICE_PORTS[service],
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    openSearchUrl: e.OPENSEARCH_URL,
    cacheEnabled: e.SHOPGRAPH_CACHE === 'on',
    responseCacheEnabled: e.SHOPGRAPH_CACHE === 'on' && e.SHOPGRAPH_RESPONSE_CACHE === 'on',
    logLevel: e.LOG_LEVEL,
    internalSigningSecret: e.INTERNAL_SIGNING_SECRET,
    insecureSubgraphs: e.SHOPGRAPH_INSECURE_SUBGRAPHS,
    eventsRetentionHours: e.EVENTS_RETENTION_HOURS,
    eventsReplayMinutes: e.EVENTS_REPLAY_MINUTES,
    recoRefreshIntervalSeconds: e.RECO_REFRESH_INTERVAL_SECONDS,
    media: { dir: e.MEDIA_DIR, publicUrl: e.MEDIA_PUBLIC_URL, maxUploadBytes: e.MEDIA_MAX_UPLOAD_BYTES, maxPixels: e.MEDIA_MAX_PIXELS },
  };
}
