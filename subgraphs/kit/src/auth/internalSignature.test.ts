import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ANONYMOUS, identityFor } from './identity.js';
import { createInternalAuth, warnWhileInsecure } from './internalAuth.js';
import { InternalSigner, SIGNATURE_MAX_AGE_MS } from './internalSignature.js';

const SECRET = 'unit-test-internal-signing-secret-0123456789';
const request = { method: 'POST', search: '', body: '{"query":"{ warehouses { code } }"}' };
const admin = identityFor('admin-7', 'ADMIN', ['inventory']);

describe('the internal signature', () => {
  it('carries the identity, and an anonymous caller as anonymous', () => {
    const signer = new InternalSigner(SECRET);
    expect(signer.verify(signer.sign(admin, request), request)).toEqual({ ok: true, identity: admin });
    expect(signer.verify(signer.sign(ANONYMOUS, request), request)).toEqual({ ok: true, identity: ANONYMOUS });
  });

  it('carries the caller\'s address under the same MAC (per-IP limits in a subgraph)', () => {
    const signer = new InternalSigner(SECRET);
    expect(signer.verify(signer.sign(ANONYMOUS, request, '203.0.113.9'), request)).toEqual({ ok: true, identity: ANONYMOUS, clientAddress: '203.0.113.9' });
    const header = signer.sign(admin, request, '203.0.113.9');
    const [v, payload, mac] = header.split('.');
    const decoded = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const moved = Buffer.from(JSON.stringify({ ...decoded, ip: '198.51.100.1' })).toString('base64url');
    expect(signer.verify(`${v}.${moved}.${mac}`, request)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a missing, malformed or forged header, and one moved onto another request', () => {
    const signer = new InternalSigner(SECRET);
    const other = new InternalSigner(`${SECRET}-other`);
    expect(signer.verify(undefined, request)).toEqual({ ok: false, reason: 'missing' });
    expect(signer.verify('v1.only-two', request)).toEqual({ ok: false, reason: 'malformed' });
    expect(signer.verify(other.sign(admin, request), request)).toEqual({ ok: false, reason: 'forged' });
    const header = signer.sign(ANONYMOUS, request);
    expect(signer.verify(header, { ...request, body: request.body.replace('warehouses', 'lowStock') })).toEqual({ ok: false, reason: 'forged' });
    expect(signer.verify(header, { ...request, search: '?x=1' })).toEqual({ ok: false, reason: 'forged' });
    // A payload rewritten to claim admin keeps the anonymous MAC: forged.
    const [v, , mac] = header.split('.');
    const claim = Buffer.from(JSON.stringify({ iat: Date.now(), jti: 'x'.repeat(22), sub: 'me', role: 'ADMIN', scp: ['admin'] })).toString('base64url');
    expect(signer.verify(`${v}.${claim}.${mac}`, request)).toEqual({ ok: false, reason: 'forged' });
  });

  it('refuses a signature older than the maximum age, or from too far in the future', () => {
    let now = 1_000_000_000_000;
    const subgraph = new InternalSigner(SECRET, { now: () => now });
    const header = subgraph.sign(admin, request);
    now += SIGNATURE_MAX_AGE_MS + 1;
    expect(subgraph.verify(header, request)).toEqual({ ok: false, reason: 'expired' });
    const future = new InternalSigner(SECRET, { now: () => now + 10_000 }).sign(admin, request);
    expect(subgraph.verify(future, request)).toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts a signature once: a replay within its minute is refused', () => {
    const signer = new InternalSigner(SECRET);
    const header = signer.sign(admin, request);
    expect(signer.verify(header, request).ok).toBe(true);
    expect(signer.verify(header, request)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses short secrets', () => {
    expect(() => new InternalSigner('short')).toThrow(/at least 32/);
  });
});

describe('insecure development mode', () => {
  it('serves anything without a valid signature as anonymous, and still honours a valid one', () => {
    const auth = createInternalAuth({ secret: SECRET, insecure: true });
    expect(auth.authenticate(undefined, request)).toEqual({ ok: true, identity: ANONYMOUS });
    expect(auth.authenticate('v1.bad.sig', request)).toEqual({ ok: true, identity: ANONYMOUS });
    expect(auth.authenticate(auth.signer!.sign(admin, request), request)).toEqual({ ok: true, identity: admin });
    expect(createInternalAuth({ secret: undefined, insecure: true }).authenticate(undefined, request)).toEqual({ ok: true, identity: ANONYMOUS });
  });

  it('is the only way to run without a secret', () => {
    expect(() => createInternalAuth({ secret: undefined, insecure: false })).toThrow(/INTERNAL_SIGNING_SECRET/);
    expect(createInternalAuth({ secret: SECRET, insecure: false }).authenticate(undefined, request)).toEqual({ ok: false, reason: 'missing' });
  });

  it('says so in the log at boot and again periodically, until stopped', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const stop = warnWhileInsecure(logger, 20);
    expect(lines).toHaveLength(1);
    expect((JSON.parse(lines[0]!) as { level: number; msg: string }).msg).toContain('SHOPGRAPH_INSECURE_SUBGRAPHS is on');
    await vi.waitFor(() => expect(lines.length).toBeGreaterThanOrEqual(3));
    stop();
    const said = lines.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(lines).toHaveLength(said);
  });
});
