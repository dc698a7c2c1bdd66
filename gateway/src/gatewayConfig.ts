import { z } from 'zod';
import { envFlag, environmentDefault, loadServiceConfig, MIN_SECRET_LENGTH, parseEnvironment, SERVICE_PORTS, SUBGRAPH_NAMES, type ServiceConfig, type SubgraphName } from '@shopgraph/kit';
import { DEFAULT_GATEWAY_LIMITS, type GatewayLimits } from './limits/gatewayLimits.js';
import { DEFAULT_LIVE_SETTINGS, type LiveSettings } from './live/liveSocketServer.js';

export interface JwtSettings {
  /** HS256 key (JWT_SECRET). */
  secret: string | undefined;
  /** RS256/ES256 keys from a JWKS endpoint (JWT_JWKS_URL). */
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
}

export interface GatewayConfig extends ServiceConfig {
  /** Where each subgraph answers; defaults to the contract's localhost ports. */
  subgraphUrls: Record<SubgraphName, string>;
  jwt: JwtSettings;
  limits: GatewayLimits;
  /** SHOPGRAPH_SAFELIST: a persisted-query manifest; only its operations run. */
  safelistPath: string | undefined;
  /** Subscriptions over graphql-ws (LIVE_*). */
  live: LiveSettings;
  /** SHOPGRAPH_DEVELOPMENT (set by `npm start`): the playground offers local browsers an admin token. */
  development: boolean;
}

/** `<NAME>_SUBGRAPH_URL`, e.g. PRODUCT_SUBGRAPH_URL, moves a subgraph (docker-compose uses service names). */
export function subgraphUrlVariable(name: SubgraphName): string {
  return `${name.toUpperCase()}_SUBGRAPH_URL`;
}

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === '' ? undefined : v));
const count = (fallback: number, max: number) => z.coerce.number().int().min(0).max(max).default(fallback);

const gatewayEnvironmentSchema = z.object({
  JWT_SECRET: optionalText.pipe(z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional()),
  JWT_JWKS_URL: optionalText.pipe(z.url().optional()),
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: optionalText,
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(DEFAULT_GATEWAY_LIMITS.rateLimit.windowSeconds),
  RATE_LIMIT_PER_IP: count(DEFAULT_GATEWAY_LIMITS.rateLimit.perIp, 1e9),
  RATE_LIMIT_PER_USER: count(DEFAULT_GATEWAY_LIMITS.rateLimit.perUser, 1e9),
  TRUST_PROXY_HOPS: count(DEFAULT_GATEWAY_LIMITS.trustProxyHops, 10),
  QUERY_MAX_DEPTH: z.coerce.number().int().min(1).max(1000).default(DEFAULT_GATEWAY_LIMITS.maxDepth),
  QUERY_MAX_ALIASES: count(DEFAULT_GATEWAY_LIMITS.maxAliases, 100_000),
  QUERY_MAX_COST: z.coerce.number().int().min(1).max(1e12).default(DEFAULT_GATEWAY_LIMITS.maxCost),
  MAX_REQUEST_BYTES: z.coerce.number().int().min(1_000).max(100_000_000).default(DEFAULT_GATEWAY_LIMITS.maxBodyBytes),
  SHOPGRAPH_SAFELIST: optionalText,
  LIVE_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_LIVE_SETTINGS.maxConnections),
  LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_LIVE_SETTINGS.maxSubscriptionsPerConnection),
  LIVE_KEEPALIVE_MS: z.coerce.number().int().min(0).max(600_000).default(DEFAULT_LIVE_SETTINGS.keepAliveMs),
  LIVE_MAX_QUEUED_EVENTS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_LIVE_SETTINGS.maxQueuedEvents),
  LIVE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1_024).max(1_073_741_824).default(DEFAULT_LIVE_SETTINGS.maxBufferedBytes),
  // Playground: development mode, set by the embedded launcher only.
  SHOPGRAPH_DEVELOPMENT: envFlag,
});

/** Every variable only the gateway reads (docker-compose and README are checked against it). */
export const GATEWAY_ENVIRONMENT_VARIABLES: readonly string[] = [
  ...Object.keys(gatewayEnvironmentSchema.shape),
  ...SUBGRAPH_NAMES.map(subgraphUrlVariable),
];

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const base = loadServiceConfig('gateway', env);
  const e = parseEnvironment(gatewayEnvironmentSchema, env, 'gateway');
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => {
      const value = env[subgraphUrlVariable(name)];
      const url = value && value.trim() !== '' ? value.trim() : `http://localhost:${SERVICE_PORTS[name]}/graphql`;
      try {
        new URL(url);
      } catch {
        throw new Error(`Invalid configuration for gateway: ${subgraphUrlVariable(name)} is not a URL`);
      }
      return [name, url];
    }),
  ) as Record<SubgraphName, string>;
  return {
    ...base,
    subgraphUrls,
    jwt: { secret: e.JWT_SECRET, jwksUrl: e.JWT_JWKS_URL, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE },
    limits: {
      maxBodyBytes: e.MAX_REQUEST_BYTES,
      maxDepth: e.QUERY_MAX_DEPTH,
      maxAliases: e.QUERY_MAX_ALIASES,
      maxCost: e.QUERY_MAX_COST,
      trustProxyHops: e.TRUST_PROXY_HOPS,
      rateLimit: {
        windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
        perIp: e.RATE_LIMIT_PER_IP,
        perUser: e.RATE_LIMIT_PER_USER,
        keyPrefix: DEFAULT_GATEWAY_LIMITS.rateLimit.keyPrefix,
      },
    },
    safelistPath: e.SHOPGRAPH_SAFELIST,
    live: {
      maxConnections: e.LIVE_MAX_CONNECTIONS,
      maxSubscriptionsPerConnection: e.LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      keepAliveMs: e.LIVE_KEEPALIVE_MS,
      maxQueuedEvents: e.LIVE_MAX_QUEUED_EVENTS,
      maxBufferedBytes: e.LIVE_MAX_BUFFERED_BYTES,
      maxMessageBytes: e.MAX_REQUEST_BYTES,
    },
    development: e.SHOPGRAPH_DEVELOPMENT,
  };
}

/** A gateway variable's default as text when it has a plain one (the README's table is checked against it). */
export function gatewayEnvironmentDefault(variable: string): string | undefined {
  return environmentDefault(gatewayEnvironmentSchema, variable);
}
