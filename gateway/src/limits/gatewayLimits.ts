/** What the gateway refuses before a subgraph is called; every figure has an environment variable. */
export interface GatewayLimits {
  /** MAX_REQUEST_BYTES: a larger body is refused with 413. */
  maxBodyBytes: number;
  /** QUERY_MAX_DEPTH: nesting of fields (fragments flattened). */
  maxDepth: number;
  /** QUERY_MAX_ALIASES: aliased fields in the operation, fragments counted where spread. */
  maxAliases: number;
  /** QUERY_MAX_COST: estimated field resolutions (see operationShape.ts). */
  maxCost: number;
  /** TRUST_PROXY_HOPS: proxies in front of the gateway whose X-Forwarded-For is believed. */
  trustProxyHops: number;
  rateLimit: RateLimitSettings;
}

export interface RateLimitSettings {
  /** RATE_LIMIT_WINDOW_SECONDS: the window the budgets below are counted over. */
  windowSeconds: number;
  /** RATE_LIMIT_PER_IP: requests per window from one address without a token (0: no limit). */
  perIp: number;
  /** RATE_LIMIT_PER_USER: requests per window for one token subject (0: no limit). */
  perUser: number;
  /** Redis key prefix (tests keep their counters apart). */
  keyPrefix: string;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxBodyBytes: 100_000,
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 50_000,
  trustProxyHops: 0,
  rateLimit: { windowSeconds: 60, perIp: 600, perUser: 1_200, keyPrefix: 'shopgraph:ratelimit' },
};
