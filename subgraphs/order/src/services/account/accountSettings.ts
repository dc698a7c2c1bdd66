import { MIN_SECRET_LENGTH, parseEnvironment } from '@shopgraph/kit';
import { z } from 'zod';

/**
 * Accounts' settings (README "Accounts and sign-in"), read from the environment when the order
 * subgraph is built. JWT_SECRET, JWT_ISSUER and JWT_AUDIENCE are the gateway's own: the order
 * subgraph signs access tokens with the key the gateway verifies them with.
 */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const schema = z.object({
  JWT_SECRET: optionalText.pipe(z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional()),
  JWT_ISSUER: optionalText,
  JWT_AUDIENCE: optionalText,
  /** Seconds an access token lives. */
  ACCESS_TOKEN_TTL: z.coerce.number().int().min(30).max(86_400).default(900),
  /** Days a refresh token lives unless rotated (each rotation starts a new one). */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Failed sign-ins for one email from one address before it is blocked for the window. */
  LOGIN_MAX_FAILURES_PER_EMAIL_IP: z.coerce.number().int().min(1).max(1_000).default(5),
  /** Failed sign-ins from one address (any email) before it is blocked for the window. */
  LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(100),
  /** How long failures are counted, and how long a block lasts. */
  LOGIN_THROTTLE_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Seconds between sweeps of dead sessions (expired, or revoked a day ago); 0 turns it off. */
  SESSION_SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(3_600),
  /** Minutes a password reset token lives. */
  PASSWORD_RESET_TOKEN_TTL_MINUTES: z.coerce.number().int().min(1).max(1_440).default(30),
  /** requestPasswordReset calls for one email (any address) per window. */
  PASSWORD_RESET_MAX_REQUESTS_PER_EMAIL: z.coerce.number().int().min(1).max(1_000).default(3),
  /** requestPasswordReset calls from one address (any email) per window. */
  PASSWORD_RESET_MAX_REQUESTS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(20),
  /** How long reset requests are counted. */
  PASSWORD_RESET_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(3_600),
  /** The storefront the reset link points into: <STOREFRONT_URL>/reset-password?token=... */
  STOREFRONT_URL: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).default('http://localhost:3000'),
});

export interface AccountSettings {
  /** HS256 key for access tokens; without it signIn answers INTERNAL_SERVER_ERROR (tokens come from an identity provider then). */
  jwtSecret: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  maxFailuresPerEmailAndAddress: number;
  maxFailuresPerAddress: number;
  throttleWindowSeconds: number;
  sessionSweepIntervalSeconds: number;
  resetTokenTtlMinutes: number;
  maxResetRequestsPerEmail: number;
  maxResetRequestsPerAddress: number;
  resetWindowSeconds: number;
  storefrontUrl: string;
}

export const ACCOUNT_ENVIRONMENT_VARIABLES: readonly string[] = Object.keys(schema.shape);

export function loadAccountSettings(env: NodeJS.ProcessEnv = process.env): AccountSettings {
  const e = parseEnvironment(schema, env, 'order (accounts)');
  return {
    jwtSecret: e.JWT_SECRET,
    issuer: e.JWT_ISSUER,
    audience: e.JWT_AUDIENCE,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    maxFailuresPerEmailAndAddress: e.LOGIN_MAX_FAILURES_PER_EMAIL_IP,
    maxFailuresPerAddress: e.LOGIN_MAX_FAILURES_PER_IP,
    throttleWindowSeconds: e.LOGIN_THROTTLE_WINDOW_SECONDS,
    sessionSweepIntervalSeconds: e.SESSION_SWEEP_INTERVAL_SECONDS,
    resetTokenTtlMinutes: e.PASSWORD_RESET_TOKEN_TTL_MINUTES,
    maxResetRequestsPerEmail: e.PASSWORD_RESET_MAX_REQUESTS_PER_EMAIL,
    maxResetRequestsPerAddress: e.PASSWORD_RESET_MAX_REQUESTS_PER_IP,
    resetWindowSeconds: e.PASSWORD_RESET_WINDOW_SECONDS,
    storefrontUrl: e.STOREFRONT_URL,
  };
}
