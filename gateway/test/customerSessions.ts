import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { RunningSupergraph } from './supergraphHarness.js';

/** The password the test customers register with. */
export const CUSTOMER_PASSWORD = 'correct horse battery';

type Gateway = Pick<RunningSupergraph, 'gql'>;

/** A new customer, registered through the gateway under `email` (by default a fresh one starting with `prefix`). */
export async function registerCustomer(stack: Gateway, prefix = 'shopper', email = `${prefix}-${randomUUID().slice(0, 8)}@example.com`): Promise<{ id: string; email: string }> {
  const res = await stack.gql(`mutation($input: RegisterInput!) { register(input: $input) { id } }`, { input: { email, password: CUSTOMER_PASSWORD, name: 'Ada' } });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { id: res.data.register.id as string, email };
}

/** A new session of the customer (signIn through the gateway): its tokens, and the customer's id. */
export async function signInCustomer(stack: Gateway, email: string, password = CUSTOMER_PASSWORD): Promise<{ customerId: string; accessToken: string; refreshToken: string }> {
  const res = await stack.gql(`mutation($email: String!, $password: String!) { signIn(email: $email, password: $password) { accessToken refreshToken customer { id } } }`, { email, password });
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  const { accessToken, refreshToken, customer } = res.data.signIn as { accessToken: string; refreshToken: string; customer: { id: string } };
  return { customerId: customer.id, accessToken, refreshToken };
}
