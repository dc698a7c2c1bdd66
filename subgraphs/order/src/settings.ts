import { parseEnvironment } from '@shopgraph/kit';
import { z } from 'zod';
import { CHECKOUT_STEPS, type CheckoutStep } from './services/checkoutSaga.js';

/**
 * The order subgraph's own settings (README "Orders and checkout"), read from the environment
 * when the subgraph is built; tests set them in process.env before starting it.
 */
const schema = z.object({
  /** Longest wait for the payment provider's authorisation; past it the payment is voided and the order FAILS. */
  ORDER_PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(50).max(120_000).default(10_000),
  /** How long a checkout may run between two steps before the recovery job takes it over. */
  CHECKOUT_LEASE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /** Seconds between recovery passes (every instance runs them); 0 turns the loop off. */
  CHECKOUT_RECOVERY_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(3_600).default(5),
  /** How long a repeated checkout waits for the first attempt's outcome before answering with the PENDING order. */
  CHECKOUT_IN_FLIGHT_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(15_000),
  /** Checkouts that run at once per instance; the others queue (repeats of a running key do not take a place). */
  CHECKOUT_MAX_CONCURRENT: z.coerce.number().int().min(1).max(1_000).default(16),
  /** The test provider's delay for tok_approve_after_delay. */
  ORDER_TEST_PAYMENT_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Test hook: the process exits right after the saga recorded this step (crash tests). */
  SHOPGRAPH_CHECKOUT_CRASH_AFTER: z.enum(CHECKOUT_STEPS).optional(),
});

export interface OrderSettings {
  paymentTimeoutMs: number;
  leaseSeconds: number;
  recoveryIntervalSeconds: number;
  inFlightWaitMs: number;
  maxConcurrent: number;
  testPaymentDelayMs: number;
  crashAfter: CheckoutStep | undefined;
}

export const ORDER_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(schema.shape);

export function loadOrderSettings(env: NodeJS.ProcessEnv = process.env): OrderSettings {
  const e = parseEnvironment(schema, env, 'order');
  return {
    paymentTimeoutMs: e.ORDER_PAYMENT_TIMEOUT_MS,
    leaseSeconds: e.CHECKOUT_LEASE_SECONDS,
    recoveryIntervalSeconds: e.CHECKOUT_RECOVERY_INTERVAL_SECONDS,
    inFlightWaitMs: e.CHECKOUT_IN_FLIGHT_WAIT_MS,
    maxConcurrent: e.CHECKOUT_MAX_CONCURRENT,
    testPaymentDelayMs: e.ORDER_TEST_PAYMENT_DELAY_MS,
    crashAfter: e.SHOPGRAPH_CHECKOUT_CRASH_AFTER,
  };
}
