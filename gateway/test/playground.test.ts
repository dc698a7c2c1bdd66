import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createServiceHttpServer, createServiceMetrics, type ServiceHttpServer } from '@shopgraph/kit';
import { createPlaygroundRoutes } from '../src/playground/playgroundRoutes.js';

let server: ServiceHttpServer;
let base: string;

beforeAll(async () => {
  const routes = await createPlaygroundRoutes({ graphqlPath: '/graphql', defaultHeaders: { 'x-demo': '1' } });
  server = createServiceHttpServer({ service: 'playground-test', logger: createLogger('test', 'silent'), metrics: createServiceMetrics('playground-test'), readiness: [], routes });
  base = (await server.listen(0, '127.0.0.1')).url;
});
afterAll(async () => {
  await server?.close();
});

describe('self-hosted playground', () => {
  it('serves a page that loads only same-origin assets, under a strict CSP', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|https?:)/);
    const html = await res.text();
    expect(html).toContain('<title>Shopgraph playground</title>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const config = JSON.parse(/<script type="application\/json" id="playground-config">(.*?)<\/script>/s.exec(html)![1]!);
    expect(config).toMatchObject({ graphqlPath: '/graphql', defaultHeaders: { 'x-demo': '1' } });
    expect(config.examples.length).toBeGreaterThanOrEqual(3);

    const assets = [...html.matchAll(/(?:src|href)="(\/playground\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const r = await fetch(`${base}${asset}`);
      expect(r.status, asset).toBe(200);
      expect(r.headers.get('cache-control')).toContain('immutable');
      const body = await r.text();
      expect(body.length).toBeGreaterThan(10_000);
      // No script, style or font pulled from a CDN at run time.
      expect(body).not.toMatch(/(unpkg\.com|jsdelivr\.net|esm\.sh|cdnjs|fonts\.googleapis)/);
    }
  });

  it('answers 404 for assets that are not part of the bundle', async () => {
    expect((await fetch(`${base}/playground/../../package.json`)).status).toBe(404);
    expect((await fetch(`${base}/playground/nope.js`)).status).toBe(404);
  });
});
