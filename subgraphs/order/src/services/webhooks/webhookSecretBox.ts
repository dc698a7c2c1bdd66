import { SealedBox } from '@shopgraph/kit';

/**
 * Endpoint signing secrets at rest, sealed under WEBHOOK_SECRET_KEY (or INTERNAL_SIGNING_SECRET):
 * a secret must be available in clear to sign every delivery, so it is encrypted rather than
 * hashed, and a database dump alone does not reveal it. Bound to the endpoint id.
 */
export type WebhookSecretBox = SealedBox;

export function createWebhookSecretBox(keyMaterial: string): WebhookSecretBox {
  return new SealedBox(keyMaterial, 'webhook-signing-secrets/v1');
}
