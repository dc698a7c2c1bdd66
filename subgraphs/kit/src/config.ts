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

const decimalText = z.string().trim().regex(/^\d{1,8}(\.\d{1,2})?$/, 'must be an amount such as 4.99');

/** The demo store's regions: a region missing here is refused at checkout (BAD_USER_INPUT). */
export const DEFAULT_TAX_RATES = 'US=0,US-CA=0.0725,US-NY=0.08875,DE=0.19,FR=0.2,GB=0.2,NL=0.21';

/** "US=0,DE=0.19" -> { US: "0", DE: "0.19" }, or what is wrong with it. */
export function parseTaxRates(text: string): Record<string, string> | string {
  const rates: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const match = /^([A-Z]{2}(?:-[A-Z0-9]{1,3})?)=(0(?:\.\d{1,6})?|1(?:\.0{1,6})?)$/.exec(part);
    if (!match) return `"${part}" is not REGION=RATE with a rate from 0 to 1 (e.g. DE=0.19)`;
    rates[match[1]!] = match[2]!;
  }
  return rates;
}

/** What the inventory, cart and product subgraphs' commerce jobs are tuned by (README "Stock and carts", "Scheduled prices"). */
export interface CommerceSettings {
  stockHoldTtlSeconds: number;
  stockExpiryIntervalSeconds: number;
  cartGuestTtlDays: number;
  cartCustomerTtlDays: number;
  cartSweepIntervalSeconds: number;
  /** Region code -> rate as a decimal string. */
  taxRates: Record<string, string>;
  shippingFlatRate: string;
  freeShippingThreshold: string;
  /** Product: seconds between runs of the job that records scheduled prices' starts and ends; 0 turns it off. */
  priceBoundaryIntervalSeconds: number;
}

export const DEFAULT_COMMERCE_SETTINGS: CommerceSettings = {
  stockHoldTtlSeconds: 30 * 60,
  // Tests run the jobs themselves; processes get the configured intervals.
  stockExpiryIntervalSeconds: 0,
  cartGuestTtlDays: 7,
  cartCustomerTtlDays: 30,
  cartSweepIntervalSeconds: 0,
  taxRates: parseTaxRates(DEFAULT_TAX_RATES) as Record<string, string>,
  shippingFlatRate: '4.99',
  freeShippingThreshold: '50.00',
  priceBoundaryIntervalSeconds: 0,
};

/**
 * INTERNAL_SIGNING_SECRET as every reader takes it: trimmed, empty means unset, otherwise at
 * least MIN_SECRET_LENGTH characters. Exported so a module that derives keys from it (webhook
 * secrets) reads the same value the service signs with.
 */
export const internalSigningSecretSchema = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional())
  .optional();

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
  INTERNAL_SIGNING_SECRET: internalSigningSecretSchema,
  /** Development only: subgraphs serve unsigned requests as anonymous, and say so in the log. */
  SHOPGRAPH_INSECURE_SUBGRAPHS: envFlag,
  /** Published outbox rows (and the PostgreSQL bus's log) are kept this long. */
  EVENTS_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24),
  /** After Redis restarted empty, events published this recently are published again. */
  EVENTS_REPLAY_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
  /** Recommendation subgraph: seconds between background refreshes of the precomputed recommendations; 0 turns the loop off. */
  RECO_REFRESH_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** Per attempt of a service-to-service call (InternalClient). */
  INTERNAL_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /** Inventory: how long a stock hold lasts unless renewed (a cart change renews its holds). */
  STOCK_HOLD_TTL_SECONDS: z.coerce.number().int().min(10).max(7 * 86_400).default(30 * 60),
  /** Inventory: seconds between runs of the expiry job (every instance runs it); 0 turns it off. */
  STOCK_EXPIRY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(30),
  /** Cart: days an untouched guest cart lives. */
  CART_GUEST_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** Cart: days an untouched signed-in cart lives. */
  CART_CUSTOMER_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Cart: seconds between sweeps of expired carts (releasing their holds); 0 turns it off. */
  CART_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Cart: tax rate per destination region, e.g. "US=0,DE=0.19,FR=0.2" (rates as decimals). */
  TAX_RATES: z
    .string()
    .trim()
    .default(DEFAULT_TAX_RATES)
    .transform((v, ctx) => {
      const rates = parseTaxRates(v);
      if (typeof rates === 'string') {
        ctx.addIssue({ code: 'custom', message: rates });
        return z.NEVER;
      }
      return rates;
    }),
  /** Cart: flat shipping per order, in the cart's currency. */
  SHIPPING_FLAT_RATE: decimalText.default('4.99'),
  /** Cart: subtotal (after discount) from which shipping is free. */
  FREE_SHIPPING_THRESHOLD: decimalText.default('50.00'),
  /** Product: seconds between runs of the scheduled price boundary job (every instance runs it); 0 turns it off. */
  PRICE_BOUNDARY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(5),

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
  internalTimeoutMs: number;
  /** Every subgraph's URL for internal calls: `<NAME>_SUBGRAPH_URL`, else localhost on its contract port. */
  subgraphUrls: Record<SubgraphName, string>;
  commerce: CommerceSettings;

  media: { dir: string | undefined; publicUrl: string | undefined; maxUploadBytes: number | undefined; maxPixels: number | undefined };
}

/**
 * The environment parsed by a settings schema (this file's, the gateway's, a subgraph's own);
 * a bad value stops the process with the variable's name and what it configures.
 */
export function parseEnvironment<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv, what: string): z.output<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration for ${what}: ${details}`);
  }
  return parsed.data;
}

/** Reads and validates the environment once at boot; a bad value stops the process with its name. */
export function loadServiceConfig(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const e = parseEnvironment(environmentSchema, env, service);
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
    internalTimeoutMs: e.INTERNAL_CALL_TIMEOUT_MS,
    subgraphUrls: Object.fromEntries(
      SUBGRAPH_NAMES.map((name) => [name, env[`${name.toUpperCase()}_SUBGRAPH_URL`]?.trim() || `http://localhost:${SERVICE_PORTS[name]}/graphql`]),
    ) as Record<SubgraphName, string>,
    commerce: {
      stockHoldTtlSeconds: e.STOCK_HOLD_TTL_SECONDS,
      stockExpiryIntervalSeconds: e.STOCK_EXPIRY_INTERVAL_SECONDS,
      cartGuestTtlDays: e.CART_GUEST_TTL_DAYS,
      cartCustomerTtlDays: e.CART_CUSTOMER_TTL_DAYS,
      cartSweepIntervalSeconds: e.CART_SWEEP_INTERVAL_SECONDS,
      taxRates: e.TAX_RATES,
      shippingFlatRate: e.SHIPPING_FLAT_RATE,
      freeShippingThreshold: e.FREE_SHIPPING_THRESHOLD,
      priceBoundaryIntervalSeconds: e.PRICE_BOUNDARY_INTERVAL_SECONDS,
    },

    media: { dir: e.MEDIA_DIR, publicUrl: e.MEDIA_PUBLIC_URL, maxUploadBytes: e.MEDIA_MAX_UPLOAD_BYTES, maxPixels: e.MEDIA_MAX_PIXELS },
  };
}

/**
 * A variable's default in a settings schema (this file's, the gateway's, a subgraph's own) as
 * text, when it has a plain one (the README's table is checked against it).
 */
export function environmentDefault(schema: z.ZodObject, variable: string): string | undefined {
  const field = (schema.shape as Record<string, z.ZodType | undefined>)[variable];
  const parsed = field?.safeParse(undefined);
  return parsed?.success && (typeof parsed.data === 'number' || typeof parsed.data === 'string') ? String(parsed.data) : undefined;
}

/** A variable's default in the shared service schema, as text (see environmentDefault). */
export function serviceEnvironmentDefault(variable: string): string | undefined {
  return environmentDefault(environmentSchema, variable);
}
