import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { RouteHandler } from '@shopgraph/kit';
import { buildPlayground, type PlaygroundAsset } from './buildPlayground.js';
import { isLocalBrowserRequest, type DevelopmentTokenIssuer } from './developmentToken.js';
import { EXAMPLE_OPERATIONS, type ExampleOperation } from './exampleOperations.js';
import { cacheExampleProduct, lookupExampleProduct, serveExamples, type CachedExampleProduct } from './exampleValues.js';

export interface PlaygroundOptions {
  graphqlPath: string;
  defaultHeaders?: Record<string, string>;
  /** Shown as GraphiQL tabs on a first visit; EXAMPLE_OPERATIONS when left out. */
  exampleOperations?: ExampleOperation[];
  /**
   * The product the tabs' variables name; by default one in stock, asked of this gateway's own
   * endpoint (the address the page request came in on) and cached (exampleValues.ts).
   */
  exampleProduct?: CachedExampleProduct;
  /**
   * Development mode only (developmentTokenIssuer): an admin token the page offers as one
   * click in the toolbar, to browsers on this machine (isLocalBrowserRequest).
   */
  developmentToken?: DevelopmentTokenIssuer | undefined;
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A Host header we are willing to repeat in the CSP: name or [IPv6], optional port. */
const SAFE_HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Nothing but this origin, with no 'unsafe-inline' and no 'unsafe-eval': GraphiQL 3 runs
 * no eval and no workers, its fonts and icons are data: URIs inside the bundled CSS, and the
 * page's own styles live in the bundle. One exception is answered with a per-response nonce
 * instead of 'unsafe-inline': GraphiQL's dialogs (settings, short keys) lock page scrolling
 * through react-remove-scroll, which injects a <style> element and tags it with the nonce it
 * finds in `__webpack_nonce__` (the client sets that from the page config). The config block
 * is type="application/json", which script-src does not govern. The WebSocket origin is
 * spelled out because older Safari does not count ws:/wss: as 'self'.
 */
export function playgroundContentSecurityPolicy(host: string | undefined, styleNonce: string): string {
  const ws = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${ws}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function escapeJsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** This gateway's GraphQL endpoint at the address the request reached it on (no proxy, no public name). */
function ownGraphqlUrl(req: IncomingMessage, graphqlPath: string): string {
  const { localAddress, localPort } = req.socket;
  const host = localAddress?.includes(':') ? `[${localAddress}]` : (localAddress ?? '127.0.0.1');
  return new URL(graphqlPath, `http://${host}:${localPort}`).toString();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** GET and HEAD only; the page and assets take no input. */
function readOnly(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return true;
  res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
  res.end('Method not allowed');
  return false;
}

function assetHandler(asset: PlaygroundAsset): RouteHandler {
  const type = CONTENT_TYPES[path.extname(asset.name)] ?? 'application/octet-stream';
  return (req, res) => {
    if (!readOnly(req, res)) return;
    const gzip = asset.gzip && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzip ? asset.gzip! : asset.body;
    res.writeHead(200, {
      'content-type': type,
      'content-length': body.length,
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      ...(asset.gzip ? { vary: 'accept-encoding' } : {}),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/**
 * The playground page at "/" and its assets under /playground/<input hash>/. The hash makes
 * every asset URL immutable, and the same inputs give the same URLs on every instance.
 */
export async function createPlaygroundRoutes(options: PlaygroundOptions): Promise<Record<string, RouteHandler>> {
  const bundle = await buildPlayground();
  const base = `/playground/${bundle.key}`;
  const names = bundle.assets.map((a) => a.name);
  if (!names.includes('main.js') || !names.includes('main.css')) throw new Error(`playground bundle is incomplete: ${names.join(', ')}`);
  const examples = options.exampleOperations ?? EXAMPLE_OPERATIONS;
  const exampleProduct = options.exampleProduct ?? cacheExampleProduct(lookupExampleProduct);
  const page = (config: object, styleNonce: string, developmentToken: string | undefined) =>
    Buffer.from(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shopgraph playground</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/main.css">
</head>
<body>
<div id="playground"><p class="playground-loading">Loading the Shopgraph playground…</p></div>
<noscript>The playground needs JavaScript. The API itself is at ${escapeHtml(options.graphqlPath)}.</noscript>
<script type="application/json" id="playground-config">${escapeJsonForHtml({ ...config, styleNonce, ...(developmentToken && { developmentToken }) })}</script>
<script src="${base}/main.js"></script>
</body>
</html>
`);
  const routes: Record<string, RouteHandler> = {
    '/': async (req, res) => {
      if (!readOnly(req, res)) return;
      const styleNonce = randomBytes(16).toString('base64');
      const developmentToken = options.developmentToken && isLocalBrowserRequest(req) ? await options.developmentToken() : undefined;
      // Tabs runnable as opened: ids of a live product (cached, see exampleValues.ts) and this view's own values.
      const answer = examples.some((e) => e.needsProduct) ? await exampleProduct.get(ownGraphqlUrl(req, options.graphqlPath)) : { product: null };
      const config = {
        graphqlPath: options.graphqlPath,
        defaultHeaders: options.defaultHeaders ?? {},
        exampleOperations: serveExamples(examples, answer),
      };
      const html = page(config, styleNonce, developmentToken);
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-length': html.length,
        'content-security-policy': playgroundContentSecurityPolicy(req.headers.host, styleNonce),
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
    },
  };
  for (const asset of bundle.assets) routes[`${base}/${asset.name}`] = assetHandler(asset);
  return routes;
}
