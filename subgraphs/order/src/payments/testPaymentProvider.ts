import { setTimeout as sleep } from 'node:timers/promises';
import type { AuthorizeRequest, AuthorizeResult, PaymentProvider } from './paymentProvider.js';

/** The card tokens the built-in test provider understands (README: Orders and checkout). */
export const TEST_CARD_TOKENS = {
  /** Authorised at once. */
  approve: 'tok_approve',
  /** Declined at once ("card_declined"). */
  decline: 'tok_decline',
  /** Never answers: the checkout's payment timeout fires, the authorisation is voided and the order FAILS. */
  timeout: 'tok_timeout',
  /** Authorised after `approveDelayMs` (shorter than the payment timeout): a slow but successful payment. */
  approveAfterDelay: 'tok_approve_after_delay',
} as const;

export interface TestPaymentProviderOptions {
  /** How long tok_approve_after_delay takes (default 1 s). */
  approveDelayMs?: number;
  /** How long tok_timeout hangs before giving up on its own (default 60 s; the caller's timeout is shorter). */
  hangMs?: number;
}

interface Ledger {
  authorized: boolean;
  captured: boolean;
  voided: boolean;
  refunds: Map<string, string>;
}

/**
 * The built-in provider: no network, decides by card token, remembers what it did per payment
 * id (within the process), so a repeated call is answered as the first one was. Any other
 * token is declined ("unknown_test_token").
 */
export class TestPaymentProvider implements PaymentProvider {
  readonly name = 'test';
  private readonly ledger = new Map<string, Ledger>();
  private readonly approveDelayMs: number;
  private readonly hangMs: number;

  constructor(options: TestPaymentProviderOptions = {}) {
    this.approveDelayMs = options.approveDelayMs ?? 1_000;
    this.hangMs = options.hangMs ?? 60_000;
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const reference = `test_auth_${request.paymentId}`;
    switch (request.token) {
      case TEST_CARD_TOKENS.approve:
        break;
      case TEST_CARD_TOKENS.approveAfterDelay:
        await sleep(this.approveDelayMs, undefined, { ref: false });
        break;
      case TEST_CARD_TOKENS.timeout:
        await sleep(this.hangMs, undefined, { ref: false });
        return { status: 'DECLINED', reason: 'provider_timeout' };
      case TEST_CARD_TOKENS.decline:
        return { status: 'DECLINED', reason: 'card_declined' };
      default:
        return { status: 'DECLINED', reason: 'unknown_test_token' };
    }
    const entry = this.entry(request.paymentId);
    if (entry.voided) return { status: 'DECLINED', reason: 'authorization_voided' };
    entry.authorized = true;
    return { status: 'AUTHORIZED', reference };
  }

  capture(request: { paymentId: string }): Promise<void> {
    const entry = this.entry(request.paymentId);
    if (entry.voided) return Promise.reject(new Error(`payment ${request.paymentId} was voided`));
    entry.captured = true;
    return Promise.resolve();
  }

  void(request: { paymentId: string }): Promise<void> {
    const entry = this.entry(request.paymentId);
    if (entry.captured) return Promise.reject(new Error(`payment ${request.paymentId} was captured: refund it instead`));
    entry.voided = true;
    return Promise.resolve();
  }

  refund(request: { paymentId: string; refundId: string; amount: string }): Promise<void> {
    this.entry(request.paymentId).refunds.set(request.refundId, request.amount);
    return Promise.resolve();
  }

  private entry(paymentId: string): Ledger {
    let entry = this.ledger.get(paymentId);
    if (!entry) {
      entry = { authorized: false, captured: false, voided: false, refunds: new Map() };
      this.ledger.set(paymentId, entry);
    }
    return entry;
  }
}
