import { SERVICE_ENVIRONMENT_VARIABLES, SERVICE_PORTS, SUBGRAPH_NAMES, type ServiceName } from './config.js';

const EVERY_SERVICE = Object.keys(SERVICE_PORTS) as ServiceName[];
const SUBGRAPHS = [...SUBGRAPH_NAMES];

/**
 * Which services act on each variable of the shared schema in config.ts. Every service parses
 * the whole schema; this says whose behaviour a variable changes, so docker-compose.yml gives
 * each service exactly its own settings and the README's table says who reads what (both are
 * checked against it). The gateway's own variables (gatewayConfig.ts) are the gateway's alone.
 * A variable added to config.ts needs a line here; the tests name it until it has one.
 */
export const SERVICE_VARIABLE_READERS: Readonly<Record<string, readonly ServiceName[]>> = {
  PORT: EVERY_SERVICE,
  HOST: EVERY_SERVICE,
  DATABASE_URL: EVERY_SERVICE,
  DATABASE_POOL_SIZE: EVERY_SERVICE,
  REDIS_URL: EVERY_SERVICE,
  OPENSEARCH_URL: ['product'],
  SHOPGRAPH_CACHE: EVERY_SERVICE,
  SHOPGRAPH_RESPONSE_CACHE: ['gateway'],
  LOG_LEVEL: EVERY_SERVICE,
  INTERNAL_SIGNING_SECRET: EVERY_SERVICE,
  SHOPGRAPH_INSECURE_SUBGRAPHS: EVERY_SERVICE,
  EVENTS_RETENTION_HOURS: EVERY_SERVICE,
  EVENTS_REPLAY_MINUTES: EVERY_SERVICE,
  RECO_REFRESH_INTERVAL_SECONDS: ['recommendation'],
  INTERNAL_CALL_TIMEOUT_MS: SUBGRAPHS,
  STOCK_HOLD_TTL_SECONDS: ['inventory'],
  STOCK_EXPIRY_INTERVAL_SECONDS: ['inventory'],
  CART_GUEST_TTL_DAYS: ['cart'],
  CART_CUSTOMER_TTL_DAYS: ['cart'],
  CART_SWEEP_INTERVAL_SECONDS: ['cart'],
  TAX_RATES: ['cart'],
  SHIPPING_FLAT_RATE: ['cart'],
  FREE_SHIPPING_THRESHOLD: ['cart'],
  PRICE_BOUNDARY_INTERVAL_SECONDS: ['product'],
  MEDIA_DIR: ['gateway', 'product'],
  // Uploads arrive at the gateway; the product subgraph renders them and writes their URLs.
  MEDIA_PUBLIC_URL: ['product'],
  MEDIA_MAX_UPLOAD_BYTES: ['gateway'],
  MEDIA_MAX_PIXELS: ['product'],
};

/** `<NAME>_SUBGRAPH_URL`: the gateway plans over them; every subgraph makes its service-to-service calls with them. */
export const SUBGRAPH_URL_READERS: readonly ServiceName[] = EVERY_SERVICE;

/** Variables of config.ts that have no line in SERVICE_VARIABLE_READERS (and lines for variables config.ts no longer has). */
export function unmappedServiceVariables(): { missing: string[]; stale: string[] } {
  const mapped = new Set(Object.keys(SERVICE_VARIABLE_READERS));
  const read = new Set(SERVICE_ENVIRONMENT_VARIABLES);
  return { missing: [...read].filter((v) => !mapped.has(v)), stale: [...mapped].filter((v) => !read.has(v)) };
}
