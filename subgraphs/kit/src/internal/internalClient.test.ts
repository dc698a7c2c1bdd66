import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceIdentity } from '../auth/identity.js';
import { IDENTITY_HEADER, InternalSigner } from '../auth/internalSignature.js';
import { DomainError } from '../errors.js';
import { createInternalClient, InternalCallError } from './internalClient.js';

const SECRET = 'unit-test-internal-signing-secret-0123456789';
const servers: Server[] = [];

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

/** A real HTTP server answering with `answer(body, identity check)`. */
async function serve(answer: (body: string, verified: ReturnType<InternalSigner['verify']>) => { status?: number; json?: unknown; delayMs?: number }): Promise<string> {
  const verifier = new InternalSigner(SECRET);
  const server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      const header = req.headers[IDENTITY_HEADER];
      const verified = verifier.verify(typeof header === 'string' ? header : undefined, { method: req.method ?? 'POST', search: '', body });
      const a = answer(body, verified);
      if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(a.json ?? {}));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

describe('InternalClient', () => {
  it('signs each call as the calling service and returns data', async () => {
    const seen: unknown[] = [];
    const url = await serve((body, verified) => {
      seen.push(verified);
      return { json: { data: { echo: (JSON.parse(body) as { variables: { x: number } }).variables.x } } };
    });
    const client = createInternalClient({ service: 'cart', signer: new InternalSigner(SECRET), urls: { inventory: url } });
    expect(await client.request('inventory', 'query($x: Int) { echo(x: $x) }', { x: 7 })).toEqual({ echo: 7 });
    expect(await client.request('inventory', 'query($x: Int) { echo(x: $x) }', { x: 8 })).toEqual({ echo: 8 });
    // Two calls, two fresh signatures (a replayed one would be refused).
    expect(seen).toEqual([
      { ok: true, identity: serviceIdentity('cart') },
      { ok: true, identity: serviceIdentity('cart') },
    ]);
  });

  it('turns a GraphQL error into a DomainError with the same code and details', async () => {
    const url = await serve(() => ({
      json: { data: null, errors: [{ message: 'Only 3 of SKU-1 can be held', extensions: { code: 'OUT_OF_STOCK', sku: 'SKU-1', requested: 5, available: 3 } }] },
    }));
    const client = createInternalClient({ service: 'cart', signer: new InternalSigner(SECRET), urls: { inventory: url } });
    const err = await client.request('inventory', '{ x }').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'OUT_OF_STOCK', message: 'Only 3 of SKU-1 can be held', details: { sku: 'SKU-1', requested: 5, available: 3 } });
  });

  it('retries a refused connection, not an answer, and gives up with an InternalCallError', async () => {
    // A port nobody listens on: every attempt is refused, then the error says which subgraph.
    const closed = await serve(() => ({ json: {} }));
    await new Promise((r) => servers.pop()!.close(r));
    const client = createInternalClient({ service: 'order', signer: new InternalSigner(SECRET), urls: { cart: closed }, retries: 2 });
    await expect(client.request('cart', '{ x }')).rejects.toBeInstanceOf(InternalCallError);

    let calls = 0;
    const failing = await serve(() => {
      calls += 1;
      return { status: 500, json: { errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
    });
    const again = createInternalClient({ service: 'order', signer: new InternalSigner(SECRET), urls: { cart: failing }, retries: 2 });
    await expect(again.request('cart', '{ x }')).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    // An answer (even an error) may have changed something: not retried.
    expect(calls).toBe(1);
  });

  it('gives up on a slow callee after the timeout', async () => {
    const url = await serve(() => ({ delayMs: 500, json: { data: {} } }));
    const client = createInternalClient({ service: 'order', signer: new InternalSigner(SECRET), urls: { cart: url }, timeoutMs: 100 });
    await expect(client.request('cart', '{ x }')).rejects.toThrow(/no answer within 100 ms/);
  });
});
