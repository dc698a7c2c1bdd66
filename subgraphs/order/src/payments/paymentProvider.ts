/**
 * What the order subgraph needs from a payment provider. Every call carries the payment's id
 * as the provider's idempotency key, so a retry after a crash never charges twice.
 * Amounts are exact decimal strings in `currency`.
 */
export interface PaymentProvider {
  readonly name: string;
  /** Reserves `amount` on the card. Resolves DECLINED for a refusal; throws PaymentTimeoutError when the provider does not answer in time. */
  authorize(request: AuthorizeRequest): Promise<AuthorizeResult>;
  /** Takes the authorised money (on confirmation). Idempotent per payment id. */
  capture(request: { paymentId: string; reference: string; amount: string; currency: string }): Promise<void>;
  /** Drops an authorisation (or an authorisation that may have happened: after a timeout). Idempotent. */
  void(request: { paymentId: string; reference: string | null }): Promise<void>;
  /** Gives captured money back. Idempotent per refund id. */
  refund(request: { paymentId: string; refundId: string; reference: string; amount: string; currency: string }): Promise<void>;
}

export interface AuthorizeRequest {
  paymentId: string;
  orderId: string;
  token: string;
  amount: string;
  currency: string;
}

export type AuthorizeResult = { status: 'AUTHORIZED'; reference: string } | { status: 'DECLINED'; reason: string };

/** The provider did not answer within the timeout: the authorisation may or may not exist, so it is voided. */
export class PaymentTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`payment provider did not answer within ${timeoutMs} ms`);
    this.name = 'PaymentTimeoutError';
  }
}

/** Runs a provider call under a deadline; PaymentTimeoutError when it is not met. */
export async function withPaymentTimeout<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new PaymentTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
