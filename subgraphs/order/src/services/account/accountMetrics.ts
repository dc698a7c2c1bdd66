import { Counter, type Registry } from 'prom-client';

export type SignInOutcome = 'success' | 'wrong_credentials' | 'rate_limited';
export type RefreshOutcome = 'rotated' | 'invalid' | 'reuse_detected';

/** What an operator watches on /metrics: sign-in outcomes (a brute-force run shows as rate_limited) and refresh-token reuse. */
export function accountMetrics(registry: Registry) {
  return {
    signIns: new Counter({
      name: 'account_sign_ins_total',
      help: 'Sign-in attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'account_session_refreshes_total',
      help: 'refreshSession calls by outcome (reuse_detected: a spent refresh token came back and its family was revoked)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type AccountMetrics = ReturnType<typeof accountMetrics>;
