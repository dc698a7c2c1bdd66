import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  loadServiceConfig,
  MIN_SECRET_LENGTH,
  REPO_ROOT,
  SERVICE_ENVIRONMENT_VARIABLES,
  SERVICE_PORTS,
  SERVICE_VARIABLE_READERS,
  SUBGRAPH_NAMES,
  SUBGRAPH_URL_READERS,
  unmappedServiceVariables,
  type ServiceName,
} from '@shopgraph/kit';
import { GATEWAY_ENVIRONMENT_VARIABLES, loadGatewayConfig, subgraphUrlVariable } from '../src/gatewayConfig.js';
import { DEFAULT_GATEWAY_LIMITS } from '../src/limits/gatewayLimits.js';
import { LAUNCH_ENVIRONMENT_VARIABLES } from '../src/launch/launchSettings.js';
import { ACCOUNT_ENVIRONMENT_VARIABLES } from '../../subgraphs/order/src/services/account/accountSettings.js';
import { ORDER_ENVIRONMENT_VARIABLES } from '../../subgraphs/order/src/settings.js';
import { ARCHIVE_ENVIRONMENT_VARIABLES } from '../../subgraphs/order/src/services/archive/archiveSettings.js';
import { WEBHOOK_ENVIRONMENT_VARIABLES } from '../../subgraphs/order/src/services/webhooks/webhookSettings.js';

/** Docker cannot run on this machine: check the file against the code's configuration instead. */
interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}
const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const SHOPGRAPH_SERVICES = Object.keys(SERVICE_PORTS) as ServiceName[];
/** Services run from our own image: the six above, plus the one-shot migrate and seed. */
const OUR_IMAGE = Object.keys(services).filter((name) => services[name]!.build === '.');
const SERVICE_VARIABLES = new Set([...SERVICE_ENVIRONMENT_VARIABLES, ...SUBGRAPH_NAMES.map(subgraphUrlVariable)]);
/** What docker compose makes of `${NAME:-default}` when NAME is unset. */
const withDefaults = (env: Record<string, string>) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));
const INFRASTRUCTURE_PORTS: Record<string, number> = { postgres: 5432, redis: 6379, opensearch: 9200 };

/** The variables the code has `service` act on: its share of config.ts, and the gateway's own. */
function variablesReadBy(service: ServiceName): Set<string> {
  const read = Object.entries(SERVICE_VARIABLE_READERS)
    .filter(([, readers]) => readers.includes(service))
    .map(([variable]) => variable);
  const urls = SUBGRAPH_URL_READERS.includes(service) ? SUBGRAPH_NAMES.map(subgraphUrlVariable) : [];
  const gatewayOnly = service === 'gateway' ? GATEWAY_ENVIRONMENT_VARIABLES : [];
  return new Set([...read, ...urls, ...gatewayOnly]);
}

/**
 * A subgraph's own settings (its settings modules, beside kit config.ts): compose MAY set them
 * (they have defaults) and MUST set the ones that have to agree with another service.
 */
const OWN_SETTINGS: Partial<Record<ServiceName, { may: readonly string[]; must: readonly string[] }>> = {
  // The order subgraph signs access tokens with the key (and claims) the gateway verifies them with.
  order: { may: [...ORDER_ENVIRONMENT_VARIABLES, ...ACCOUNT_ENVIRONMENT_VARIABLES, ...WEBHOOK_ENVIRONMENT_VARIABLES, ...ARCHIVE_ENVIRONMENT_VARIABLES], must: ['JWT_SECRET', 'JWT_ISSUER', 'JWT_AUDIENCE'] },
};

/** Every service a service waits for, directly or through the ones it waits for. */
function waitsFor(name: string, seen = new Set<string>()): Set<string> {
  for (const dep of Object.keys(services[name]?.depends_on ?? {})) {
    if (!seen.has(dep)) {
      seen.add(dep);
      waitsFor(dep, seen);
    }
  }
  return seen;
}

describe('docker-compose.yml', () => {
  it.each(SHOPGRAPH_SERVICES)('%s runs its entry file on its contract port with a health check', (name) => {
    const service = services[name]!;
    expect(service, name).toBeDefined();
    const port = SERVICE_PORTS[name];
    expect(service.environment?.PORT).toBe(String(port));
    expect(service.ports).toEqual([`${port}:${port}`]);
    expect(service.command).toEqual(['node', '--import', 'tsx', expect.any(String)]);
    const entry = service.command!.at(-1)!;
    expect(entry).toBe(name === 'gateway' ? 'gateway/src/index.ts' : `subgraphs/${name}/src/index.ts`);
    expect(existsSync(path.join(REPO_ROOT, entry))).toBe(true);
    // The slim image has no curl: Node's own fetch, on IPv4 (the services listen on 0.0.0.0).
    const test = service.healthcheck!.test;
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
    expect(test[3]).toContain(`fetch('http://127.0.0.1:${port}/health')`);
  });

  it('knows who reads every variable of kit config.ts', () => {
    const { missing, stale } = unmappedServiceVariables();
    expect(missing, 'read by config.ts but missing from SERVICE_VARIABLE_READERS (subgraphs/kit/src/environmentReaders.ts): say which services read them').toEqual([]);
    expect(stale, 'in SERVICE_VARIABLE_READERS but no longer read by config.ts').toEqual([]);
  });

  it.each(SHOPGRAPH_SERVICES)('%s is given exactly the variables the code has it read', (name) => {
    const given = new Set(Object.keys(services[name]!.environment ?? {}));
    const own = OWN_SETTINGS[name] ?? { may: [], must: [] };
    const read = new Set([...variablesReadBy(name), ...own.must]);
    const lacking = [...read].filter((v) => !given.has(v)).sort();
    const unread = [...given].filter((v) => !read.has(v) && !own.may.includes(v)).sort();
    expect(lacking, `docker-compose.yml: service "${name}" lacks ${lacking.join(', ')}, which the code reads (kit config.ts / gatewayConfig.ts; readers in kit environmentReaders.ts)`).toEqual([]);
    expect(unread, `docker-compose.yml: service "${name}" sets ${unread.join(', ')}, which ${name} does not read (kit environmentReaders.ts)`).toEqual([]);
  });

  it('gives the order subgraph the same token key and claims as the gateway', () => {
    for (const variable of OWN_SETTINGS.order!.must) {
      expect(services.order!.environment![variable], variable).toBe(services.gateway!.environment![variable]);
    }
  });

  it.each(SUBGRAPH_NAMES)('%s runs at the settings the code defaults to, and the code accepts them', (name) => {
    const env = withDefaults(services[name]!.environment!);
    const config = loadServiceConfig(name, env);
    const defaults = loadServiceConfig(name, { INTERNAL_SIGNING_SECRET: env.INTERNAL_SIGNING_SECRET });
    expect(config.commerce).toEqual(defaults.commerce);
    for (const key of ['databasePoolSize', 'cacheEnabled', 'eventsRetentionHours', 'eventsReplayMinutes', 'recoRefreshIntervalSeconds', 'internalTimeoutMs', 'host', 'logLevel'] as const) {
      expect(config[key], `${name}: ${key}`).toEqual(defaults[key]);
    }
    expect(config.port).toBe(SERVICE_PORTS[name]);
  });

  it.each(['migrate', 'seed'])('%s sets only environment variables the code reads', (name) => {
    const known = name === 'seed' ? new Set([...SERVICE_VARIABLES, ...LAUNCH_ENVIRONMENT_VARIABLES]) : new Set(['DATABASE_URL']);
    for (const variable of Object.keys(services[name]!.environment ?? {})) {
      expect(known, `docker-compose.yml: service "${name}" sets ${variable}, which it does not read`).toContain(variable);
    }
  });

  it('lists exactly the six services, the one-shot jobs and the three servers', () => {
    expect(Object.keys(services).sort()).toEqual([...SHOPGRAPH_SERVICES, 'migrate', 'seed', 'postgres', 'redis', 'opensearch'].sort());
    for (const [name, port] of Object.entries(INFRASTRUCTURE_PORTS)) expect(services[name]!.ports, name).toEqual([`${port}:${port}`]);
  });

  it.each(OUR_IMAGE)('%s waits for every server its URLs point at', (name) => {
    const env = services[name]!.environment ?? {};
    for (const variable of ['DATABASE_URL', 'REDIS_URL', 'OPENSEARCH_URL']) {
      if (!env[variable]) continue;
      const url = new URL(env[variable]);
      expect(Object.keys(INFRASTRUCTURE_PORTS), `${name}: ${variable}`).toContain(url.hostname);
      expect(Number(url.port)).toBe(INFRASTRUCTURE_PORTS[url.hostname]);
      expect(waitsFor(name), `${name} must wait for ${url.hostname}`).toContain(url.hostname);
    }
    if (env.DATABASE_URL) expect(new URL(env.DATABASE_URL).pathname).toBe('/shopgraph');
  });

  it('uses the right condition for every dependency', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[dep], `${name} depends on a missing service ${dep}`).toBeDefined();
        // One-shot jobs must have finished well; long-running services must be healthy.
        const expected = services[dep]!.restart === 'no' ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${name} -> ${dep}`).toBe(expected);
        if (expected === 'service_healthy') expect(services[dep]!.healthcheck, dep).toBeDefined();
      }
    }
  });

  it('points the gateway at every subgraph by service name, once the demo store is seeded', () => {
    const env = services.gateway!.environment!;
    for (const name of SUBGRAPH_NAMES) {
      expect(env[subgraphUrlVariable(name)]).toBe(`http://${name}:${SERVICE_PORTS[name]}/graphql`);
      expect(services.gateway!.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
    }
    expect(services.gateway!.depends_on?.seed).toEqual({ condition: 'service_completed_successfully' });
  });

  it('gives every service the same internal signing secret, and the JWT key only to the gateway and the token-signing order subgraph', () => {
    const secrets = SHOPGRAPH_SERVICES.map((name) => services[name]!.environment?.INTERNAL_SIGNING_SECRET);
    expect(new Set(secrets).size, 'one shared value').toBe(1);
    expect(withDefaults({ s: secrets[0]! }).s!.length).toBeGreaterThanOrEqual(MIN_SECRET_LENGTH);
    for (const name of SUBGRAPH_NAMES.filter((n) => n !== 'order')) expect(services[name]!.environment?.JWT_SECRET, name).toBeUndefined();
    for (const name of SHOPGRAPH_SERVICES) expect(services[name]!.environment?.SHOPGRAPH_INSECURE_SUBGRAPHS, name).toBe('0');
  });

  it('names every gateway setting, at the defaults the code has, and the gateway accepts them', () => {
    const env = withDefaults(services.gateway!.environment!);
    for (const variable of GATEWAY_ENVIRONMENT_VARIABLES) expect(Object.keys(env), variable).toContain(variable);
    const config = loadGatewayConfig(env);
    expect(config.limits).toEqual(DEFAULT_GATEWAY_LIMITS);
    expect(config.jwt.secret!.length).toBeGreaterThanOrEqual(MIN_SECRET_LENGTH);
    expect(config.safelistPath).toBeUndefined();
  });

  it('starts subgraphs only after the database is healthy and migrated', () => {
    for (const name of SUBGRAPH_NAMES) {
      const deps = services[name]!.depends_on!;
      expect(deps.postgres).toEqual({ condition: 'service_healthy' });
      expect(deps.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(services.migrate!.command).toEqual(['npx', 'prisma', 'migrate', 'deploy']);
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.seed!.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    const seedEntry = services.seed!.command!.at(-1)!;
    expect(existsSync(path.join(REPO_ROOT, seedEntry)), seedEntry).toBe(true);
  });

  it('runs PostgreSQL 16, Redis 7 and a single-node OpenSearch 2 without its security plugin, each with a health check', () => {
    expect(services.postgres!.image).toBe('postgres:16');
    expect(services.postgres!.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(services.redis!.image).toBe('redis:7');
    expect(services.redis!.healthcheck!.test.join(' ')).toContain('redis-cli ping');
    const opensearch = services.opensearch!;
    expect(opensearch.image).toBe('opensearchproject/opensearch:2');
    expect(opensearch.environment!['discovery.type']).toBe('single-node');
    expect(opensearch.environment!.DISABLE_SECURITY_PLUGIN).toBe('true');
    expect(opensearch.healthcheck!.test.join(' ')).toContain('_cluster/health');
  });

  it('builds one image with npm ci from the lockfile', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/);
    expect(OUR_IMAGE).toEqual(expect.arrayContaining([...SHOPGRAPH_SERVICES, 'migrate', 'seed']));
    expect(new Set(OUR_IMAGE.map((name) => services[name]!.image))).toEqual(new Set(['shopgraph:local']));
    const dockerignore = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.data', '.git']) expect(dockerignore).toContain(entry);
  });
});
