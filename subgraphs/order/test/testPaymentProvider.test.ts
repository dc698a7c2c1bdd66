import { describe, expect, it } from 'vitest';
import { PaymentTimeoutError, withPaymentTimeout } from '../src/payments/paymentProvider.js';
import { TEST_CARD_TOKENS, TestPaymentProvider } from '../src/payments/testPaymentProvider.js';

const request = (token: string, paymentId = 'p1') => ({ paymentId, orderId: 'o1', token, amount: '10.00', currency: 'USD' });

describe('the test payment provider', () => {
  const provider = new TestPaymentProvider({ approveDelayMs: 20, hangMs: 5_000 });

  it('decides by card token', async () => {
    expect(await provider.authorize(request(TEST_CARD_TOKENS.approve))).toEqual({ status: 'AUTHORIZED', reference: 'test_auth_p1' });
    expect(await provider.authorize(request(TEST_CARD_TOKENS.decline, 'p2'))).toEqual({ status: 'DECLINED', reason: 'card_declined' });
    expect(await provider.authorize(request(TEST_CARD_TOKENS.approveAfterDelay, 'p3'))).toMatchObject({ status: 'AUTHORIZED' });
    expect(await provider.authorize(request('tok_whatever', 'p4'))).toEqual({ status: 'DECLINED', reason: 'unknown_test_token' });
  });

  it('tok_timeout outlasts the caller\'s deadline, which reports a timeout', async () => {
    await expect(withPaymentTimeout(50, () => provider.authorize(request(TEST_CARD_TOKENS.timeout, 'p5')))).rejects.toBeInstanceOf(PaymentTimeoutError);
  });

  it('a voided authorisation is not granted afterwards, and a captured one cannot be voided', async () => {
    await provider.void({ paymentId: 'p6' });
    expect(await provider.authorize(request(TEST_CARD_TOKENS.approve, 'p6'))).toEqual({ status: 'DECLINED', reason: 'authorization_voided' });
    await provider.authorize(request(TEST_CARD_TOKENS.approve, 'p7'));
    await provider.capture({ paymentId: 'p7' });
    await expect(provider.void({ paymentId: 'p7' })).rejects.toThrow(/captured/);
  });
});
