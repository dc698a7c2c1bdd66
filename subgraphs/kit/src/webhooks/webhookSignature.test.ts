import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhookSignature } from './webhookSignature.js';

describe('webhook signatures', () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ id: 'e1', type: 'order.created', createdAt: '2026-11-25T10:00:00.000Z', data: { orderId: 'o1' } });
  const t = 1_800_000_000;

  it('verifies what it signed, within the tolerance, with the raw body', () => {
    const header = signWebhook([secret], t, body);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature({ header, rawBody: body, secret, now: t + 10 })).toEqual({ ok: true, timestamp: t });
  });

  it('refuses another body, another secret, an old or future timestamp and a malformed header', () => {
    const header = signWebhook([secret], t, body);
    expect(verifyWebhookSignature({ header, rawBody: body.replace('o1', 'o2'), secret, now: t })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature({ header, rawBody: body, secret: generateWebhookSecret(), now: t })).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature({ header, rawBody: body, secret, now: t + 301 })).toEqual({ ok: false, reason: 'too_old' });
    expect(verifyWebhookSignature({ header, rawBody: body, secret, now: t - 301 })).toEqual({ ok: false, reason: 'too_new' });
    expect(verifyWebhookSignature({ header: header.replace(`t=${t}`, `t=${t + 1}`), rawBody: body, secret, now: t })).toEqual({ ok: false, reason: 'mismatch' });
    for (const bad of [undefined, '', 'v1=abc', `t=${t}`, `t=x,v1=${'0'.repeat(64)}`]) {
      expect(verifyWebhookSignature({ header: bad, rawBody: body, secret, now: t })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('signs with every secret in force, so a receiver on either side of a rotation verifies', () => {
    const next = generateWebhookSecret();
    const header = signWebhook([next, secret], t, body);
    expect(header.split(',')).toHaveLength(3);
    expect(verifyWebhookSignature({ header, rawBody: body, secret, now: t }).ok).toBe(true);
    expect(verifyWebhookSignature({ header, rawBody: body, secret: next, now: t }).ok).toBe(true);
  });
});
