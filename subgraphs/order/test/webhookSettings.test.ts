import { describe, expect, it } from 'vitest';
import { loadServiceConfig } from '@shopgraph/kit';
import { loadWebhookSettings } from '../src/services/webhooks/webhookSettings.js';

describe('webhook settings', () => {
  it('read INTERNAL_SIGNING_SECRET as the service config does: trimmed, blank is unset', () => {
    const secret = 'a-signing-secret-of-enough-characters-000';
    const padded = { INTERNAL_SIGNING_SECRET: `  ${secret}\n` };
    expect(loadWebhookSettings(padded)).toMatchObject({ secretKeyMaterial: secret, developmentKey: false });
    expect(loadWebhookSettings(padded).secretKeyMaterial).toBe(loadServiceConfig('order', padded).internalSigningSecret);
    expect(loadWebhookSettings({ INTERNAL_SIGNING_SECRET: '   ' })).toMatchObject({ developmentKey: true });
    expect(() => loadWebhookSettings({ INTERNAL_SIGNING_SECRET: 'short' })).toThrow(/INTERNAL_SIGNING_SECRET/);
  });
});
