import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, SERVICE_ENVIRONMENT_VARIABLES, SERVICE_PORTS, SUBGRAPH_NAMES, type ServiceName } from '@shopgraph/kit';
import { subgraphUrlVariable } from '../src/gatewayConfig.js';

/** Docker cannot run on this machine: check the file against the code's configuration instead. */
interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  build?: string;
}
const compose = parse(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const SHOPGRAPH_SERVICES = Object.keys(SERVICE_PORTS) as ServiceName[];
const KNOWN_VARIABLES = new Set([...SERVICE_ENVIRONMENT_VARIABLES, ...SUBGRAPH_NAMES.map(subgraphUrlVariable)]);

describe('docker-compose.yml', () => {
  it.each(SHOPGRAPH_SERVICES)('%s runs its entry file on its contract port with a health check', (name) => {
    const service = services[name]!;
    expect(service, name).toBeDefined();
    const port = SERVICE_PORTS[name];
    expect(service.environment?.PORT).toBe(String(port));
    expect(service.ports).toEqual([`${port}:${port}`]);
    const entry = service.command!.at(-1)!;
    expect(entry).toBe(name === 'gateway' ? 'gateway/src/index.ts' : `subgraphs/${name}/src/index.ts`);
    expect(existsSync(path.join(REPO_ROOT, entry))).toBe(true);
    expect(service.healthcheck?.test.join(' ')).toContain(`localhost:${port}/health`);
    for (const variable of Object.keys(service.environment ?? {})) expect(KNOWN_VARIABLES, `${name}: ${variable}`).toContain(variable);
  });

  it('points the gateway at every subgraph by service name', () => {
    const env = services.gateway!.environment!;
    for (const name of SUBGRAPH_NAMES) {
      expect(env[subgraphUrlVariable(name)]).toBe(`http://${name}:${SERVICE_PORTS[name]}/graphql`);
      expect(services.gateway!.depends_on?.[name]).toEqual({ condition: 'service_healthy' });
    }
  });

  it('starts subgraphs only after the database is healthy and migrated', () => {
    for (const name of SUBGRAPH_NAMES) {
      const deps = services[name]!.depends_on!;
      expect(deps.postgres).toEqual({ condition: 'service_healthy' });
      expect(deps.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(services[name]!.environment!.DATABASE_URL).toMatch(/@postgres:5432\/shopgraph$/);
    }
    expect(services.migrate!.command).toEqual(['npx', 'prisma', 'migrate', 'deploy']);
    expect(services.seed!.depends_on!.migrate).toEqual({ condition: 'service_completed_successfully' });
    for (const infra of ['postgres', 'redis', 'opensearch']) expect(services[infra]!.healthcheck, infra).toBeDefined();
  });

  it('builds one image with npm ci from the lockfile', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/COPY package\.json package-lock\.json/);
    for (const name of SHOPGRAPH_SERVICES) expect(services[name]!.build).toBe('.');
  });
});
