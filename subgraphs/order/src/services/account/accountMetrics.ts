import { Counter, type Registry } from 'prom-client';
import { perRegistry } from '@shopgraph/kit';

export type SignInOutcome = 'success' | 'wrong_credentials' | 'rate_limited';
export type RefreshOutcome = 'rotated' | 'invalid' | 'reuse_detected';
export type PasswordResetOutcome = 'requested' | 'unknown_email' | 'rate_limited' | 'completed' | 'invalid_token';

/**
 * What an operator watches on /metrics: sign-in outcomes (a brute-force run shows as
 * rate_limited), refresh-token reuse and password resets (unknown_email is for operators:
 * callers never see it). A second runtime on the same registry (tests build one for the
 * recovery job) shares the counters instead of registering them twice.
 */
export const accountMetrics = perRegistry((registry: Registry) => {
  const counter = (name: string, help: string) => new Counter({ name, help, labelNames: ['outcome'] as const, registers: [registry] });
  return {
    signIns: counter('account_sign_ins_total', 'Sign-in attempts by outcome'),
    refreshes: counter(
      'account_session_refreshes_total',
      'refreshSession calls by outcome (reuse_detected: a spent refresh token came back and its family was revoked)',
    ),
    passwordResets: counter(
      'account_password_resets_total',
      'requestPasswordReset (requested, unknown_email, rate_limited) and resetPassword (completed, invalid_token) calls by outcome',
    ),
  };
});

export type AccountMetrics = ReturnType<typeof accountMetrics>;
