import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { publicOnlyLookup, refusedAddressLiteral } from './webhookUrlPolicy.js';

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** One attempt's outcome, as webhook_delivery_attempt records it. */
export interface AttemptOutcome {
  succeeded: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_ERROR_BODY = 200;

/**
 * POSTs one delivery: a 2xx answer within `timeoutMs` succeeds; anything else (another
 * status, a redirect, which is never followed, a network error, the timeout) fails.
 */
export function sendWebhook(request: WebhookRequest, options: { timeoutMs: number; allowPrivateNetworks: boolean }): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...outcome, durationMs: elapsed() });
    };
    const url = new URL(request.url);
    const refused = options.allowPrivateNetworks ? null : refusedAddressLiteral(url.hostname);
    if (refused) {
      resolve({ succeeded: false, statusCode: null, error: refused, durationMs: elapsed() });
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(request.body), 'user-agent': 'Shopgraph-Webhooks/1', ...request.headers },
        ...(!options.allowPrivateNetworks && { lookup: publicOnlyLookup() }),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ERROR_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          const text = Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY);
          finish({ succeeded: ok, statusCode: status, error: ok ? null : `HTTP ${status}${text ? `: ${text}` : ''}` });
        });
        res.on('error', (err) => finish({ succeeded: false, statusCode: res.statusCode ?? null, error: err.message }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ succeeded: false, statusCode: null, error: `timed out after ${options.timeoutMs} ms` });
    }, options.timeoutMs);
    req.on('error', (err) => finish({ succeeded: false, statusCode: null, error: err.message }));
    req.end(request.body);
  });
}
