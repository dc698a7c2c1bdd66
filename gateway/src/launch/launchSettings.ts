import path from 'node:path';
import { REPO_ROOT } from '@shopgraph/kit/paths';

/** What `npm start` reads from the environment; everything has a default. */
export interface LaunchSettings {
  /** Set: use that PostgreSQL server. Unset: run embedded PostgreSQL in `dataDir/postgres`. */
  databaseUrl: string | undefined;
  /** SHOPGRAPH_DATA_DIR, default `.data` at the repository root, kept across restarts. */
  dataDir: string;
  /** EMBEDDED_PG_PORT, default 54329 (not 5432: the machine may run its own PostgreSQL). */
  embeddedPostgresPort: number;
  /** SEED_PRODUCTS, default 2,000: size of the demo catalog seeded on the first start. */
  seedProducts: number;
  /** SHOPGRAPH_PORT_OFFSET moves every service port by the same amount (a second stack, a test). */
  portOffset: number;
  logLevel: string;
  /** HOST the services listen on (passed through to them); ports are checked there. */
  serviceHost: string;
  /** How long each service may take to answer /health. */
  healthTimeoutMs: number;
}

/** Every environment variable the launcher (and prepareDatabaseCli) reads. */
export const LAUNCH_ENVIRONMENT_VARIABLES: readonly string[] = [
  'DATABASE_URL',
  'SHOPGRAPH_DATA_DIR',
  'EMBEDDED_PG_PORT',
  'SEED_PRODUCTS',
  'SHOPGRAPH_PORT_OFFSET',
  'LOG_LEVEL',
  'HOST',
  // Secrets: generated under SHOPGRAPH_DATA_DIR unless given (launchSecrets.ts).
  'JWT_SECRET',
  'JWT_JWKS_URL',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'INTERNAL_SIGNING_SECRET',
];

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function readLaunchSettings(env: NodeJS.ProcessEnv = process.env): LaunchSettings {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl) {
    try {
      new URL(databaseUrl);
    } catch {
      throw new Error('DATABASE_URL is not a URL (expected postgresql://user:password@host:port/database)');
    }
  }
  return {
    databaseUrl,
    dataDir: path.resolve(env.SHOPGRAPH_DATA_DIR?.trim() || path.join(REPO_ROOT, '.data')),
    embeddedPostgresPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    seedProducts: integer(env, 'SEED_PRODUCTS', 2000, 1, 1_000_000),
    portOffset: integer(env, 'SHOPGRAPH_PORT_OFFSET', 0, -4000, 60000),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    serviceHost: env.HOST?.trim() || '0.0.0.0',
    healthTimeoutMs: 30_000,
  };
}
