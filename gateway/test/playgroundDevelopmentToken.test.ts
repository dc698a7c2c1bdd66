import { request, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_SCOPES, createLogger, createServiceHttpServer, createServiceMetrics, REPO_ROOT, type ServiceHttpServer } from '@shopgraph/kit';
import { createJwtVerifier } from '../src/auth/jwtVerifier.js';
import { loadGatewayConfig } from '../src/gatewayConfig.js';
import { planServices } from '../src/launch/servicePlan.js';
import { developmentTokenIssuer, isLocalBrowserRequest } from '../src/playground/developmentToken.js';
import { createPlaygroundRoutes } from '../src/playground/playgroundRoutes.js';
import { playgroundConfigOf, type PlaygroundPageConfig } from './playgroundPage.js';

/**
 * The rule: the playground hands out an admin token only in development mode (`npm start`
 * sets SHOPGRAPH_DEVELOPMENT; nothing else does), only when the gateway signs its own tokens,
 * and only to a browser on this machine that names this machine.
 */
const SECRET = 'playground-development-token-test-secret-0123456789';
const jwt = { secret: SECRET, jwksUrl: undefined, issuer: 'shopgraph-dev', audience: 'shopgraph' };

let server: ServiceHttpServer;
let port: number;

/** GET / with exactly these headers (fetch would not let a test choose Host). */
function getPage(headers: Record<string, string>): Promise<{ status: number; config: Partial<PlaygroundPageConfig>; cacheControl: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers }, (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode!, config: playgroundConfigOf(body) ?? {}, cacheControl: res.headers['cache-control'] });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const developmentToken = developmentTokenIssuer({ development: true, jwtSecret: SECRET, issuer: jwt.issuer, audience: jwt.audience });
  server = createServiceHttpServer({
    service: 'playground-token-test',
    logger: createLogger('test', 'silent'),
    metrics: createServiceMetrics('playground-token-test'),
    readiness: [],
    routes: await createPlaygroundRoutes({ graphqlPath: '/graphql', developmentToken }),
  });
  port = (await server.listen(0, '127.0.0.1')).port;
});
afterAll(async () => {
  await server?.close();
});

describe('the development admin token in the playground', () => {
  it('is a working admin token for a browser on this machine, in a page nobody caches', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, 'localhost']) {
      const page = await getPage({ host });
      expect(page.status).toBe(200);
      expect(page.cacheControl).toBe('no-store');
      expect(page.config.developmentToken, host).toEqual(expect.any(String));
      const identity = await createJwtVerifier(jwt).identify(`Bearer ${page.config.developmentToken!}`);
      expect(identity).toMatchObject({ role: 'ADMIN', subject: 'dev-admin' });
      for (const scope of ADMIN_SCOPES) expect((identity as { scopes: readonly string[] }).scopes).toContain(scope);
    }
  });

  it('is not given to a page asked for under another name (DNS rebinding) or through a proxy', async () => {
    expect((await getPage({ host: `shop.example:${port}` })).config.developmentToken).toBeUndefined();
    expect((await getPage({ host: `10.1.2.3:${port}` })).config.developmentToken).toBeUndefined();
    const proxied: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' }, { 'x-real-ip': '203.0.113.9' }, { 'x-forwarded-host': 'shop.example' }];
    for (const forwarded of proxied) {
      const page = await getPage({ host: `localhost:${port}`, ...forwarded });
      expect(page.status).toBe(200);
      expect(page.config.developmentToken, JSON.stringify(forwarded)).toBeUndefined();
    }
  });

  it('is not given to a caller on another machine, even one that names localhost', () => {
    const from = (remoteAddress: string, host = 'localhost:4000') => ({ socket: { remoteAddress }, headers: { host } }) as unknown as IncomingMessage;
    expect(isLocalBrowserRequest(from('127.0.0.1'))).toBe(true);
    expect(isLocalBrowserRequest(from('::1', '[::1]:4000'))).toBe(true);
    expect(isLocalBrowserRequest(from('::ffff:127.0.0.1'))).toBe(true);
    for (const remote of ['10.0.0.7', '::ffff:192.168.1.20', '2001:db8::1', '0.0.0.0', '']) expect(isLocalBrowserRequest(from(remote)), remote).toBe(false);
  });

  it('exists only in development mode with a secret the gateway holds', () => {
    expect(developmentTokenIssuer({ development: false, jwtSecret: SECRET, issuer: undefined, audience: undefined })).toBeUndefined();
    // With JWKS only, tokens come from the identity provider: the gateway has nothing to sign with.
    expect(developmentTokenIssuer({ development: true, jwtSecret: undefined, issuer: undefined, audience: undefined })).toBeUndefined();
    expect(developmentTokenIssuer({ development: true, jwtSecret: SECRET, issuer: undefined, audience: undefined })).toBeTypeOf('function');
  });

  it('is off unless SHOPGRAPH_DEVELOPMENT says otherwise: `npm start` turns it on, docker-compose keeps it off', () => {
    expect(loadGatewayConfig({}).development).toBe(false);
    expect(loadGatewayConfig({ SHOPGRAPH_DEVELOPMENT: '0' }).development).toBe(false);
    expect(planServices(0).gateway.env.SHOPGRAPH_DEVELOPMENT).toBe('1');
    expect(loadGatewayConfig(planServices(0).gateway.env).development).toBe(true);
    for (const subgraph of planServices(0).subgraphs) expect(subgraph.env.SHOPGRAPH_DEVELOPMENT).toBeUndefined();
    const compose = parseYaml(readFileSync(path.join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    // What docker compose makes of `${NAME:-default}` when NAME is unset.
    const env = Object.fromEntries(Object.entries(compose.services.gateway!.environment!).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')]));
    expect(env.SHOPGRAPH_DEVELOPMENT).toBe('false');
    expect(loadGatewayConfig(env).development).toBe(false);
  });

  it('is never in a page served without an issuer', async () => {
    const plain = createServiceHttpServer({
      service: 'playground-plain',
      logger: createLogger('test', 'silent'),
      metrics: createServiceMetrics('playground-plain'),
      readiness: [],
      routes: await createPlaygroundRoutes({ graphqlPath: '/graphql', developmentToken: undefined }),
    });
    const plainPort = (await plain.listen(0, '127.0.0.1')).port;
    try {
      const html = await (await fetch(`http://127.0.0.1:${plainPort}/`)).text();
      expect(html).not.toContain('developmentToken');
      expect(html).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT anywhere in the page
    } finally {
      await plain.close();
    }
  });
});
