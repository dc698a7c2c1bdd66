import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RouteHandler } from '@shopgraph/kit';
import { buildPlayground } from './buildPlayground.js';
import { EXAMPLE_OPERATIONS, type ExampleOperation } from './exampleOperations.js';

export interface PlaygroundOptions {
  graphqlPath: string;
  defaultHeaders?: Record<string, string>;
  examples?: ExampleOperation[];
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

/**
 * Same origin only. Styles allow 'unsafe-inline' because GraphiQL's editors position
 * themselves with inline style attributes; scripts stay 'self' only.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

function escapeJsonForHtml(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The playground page at "/" and its hashed, immutable assets under /playground/. */
export async function createPlaygroundRoutes(options: PlaygroundOptions): Promise<Record<string, RouteHandler>> {
  const bundle = await buildPlayground();
  const script = bundle.files.find((f) => f.startsWith('main-') && f.endsWith('.js'));
  const style = bundle.files.find((f) => f.startsWith('main-') && f.endsWith('.css'));
  if (!script) throw new Error('playground bundle has no script');
  const config = { graphqlPath: options.graphqlPath, defaultHeaders: options.defaultHeaders ?? {}, examples: options.examples ?? EXAMPLE_OPERATIONS };
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shopgraph playground</title>
${style ? `<link rel="stylesheet" href="/playground/${style}">` : ''}
<style>html,body,#playground{height:100%;margin:0}</style>
</head>
<body>
<div id="playground"></div>
<script type="application/json" id="playground-config">${escapeJsonForHtml(config)}</script>
<script src="/playground/${script}"></script>
</body>
</html>`;
  // The inline <style> above needs a hash-free allowance: it is covered by 'unsafe-inline' for styles.
  const routes: Record<string, RouteHandler> = {
    '/': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' });
      res.end(html);
    },
  };
  for (const file of bundle.files) {
    const body = readFileSync(path.join(bundle.dir, file));
    const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    routes[`/playground/${file}`] = (_req, res) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'public, max-age=31536000, immutable', 'content-length': body.length });
      res.end(body);
    };
  }
  return routes;
}
