import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';

/** The error codes of the contract (design.md); clients switch on extensions.code. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Codes of requests refused before GraphQL runs (transport, limits, safelist); the domain
 * codes above (UNAUTHENTICATED, RATE_LIMITED) are used for those refusals too.
 */
export const RefusalCode = {
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  BATCHED_REQUESTS_NOT_SUPPORTED: 'BATCHED_REQUESTS_NOT_SUPPORTED',
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** Safelist mode: an id that is not in the manifest (Apollo Router's code). */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** Safelist mode: a query text that is not in the manifest (Apollo Router's code). */
  QUERY_NOT_IN_SAFELIST: 'QUERY_NOT_IN_SAFELIST',
  /** A dependency of the check itself is down (the JWKS endpoint); retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

export interface FieldError {
  /** Argument or input path, e.g. "first" or "filter.priceMin". */
  field: string;
  message: string;
}

/**
 * Errors raised by domain services. Services never build GraphQL errors; the subgraph
 * server's error formatter turns these into `extensions.code` plus details.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input the caller can fix: names every offending field so a form can show it. */
export class InputError extends DomainError {
  constructor(readonly fieldErrors: FieldError[]) {
    const first = fieldErrors[0];
    super(ErrorCode.BAD_USER_INPUT, first ? `Invalid ${first.field}: ${first.message}` : 'Invalid input', {
      field: first?.field,
      fieldErrors,
    });
  }

  static of(field: string, message: string): InputError {
    return new InputError([{ field, message }]);
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, field: string, value: string) {
    super(ErrorCode.NOT_FOUND, `${entity} not found for ${field} "${value}"`, { entity, field });
  }
}

/** Apollo `formatError`: domain errors keep their code and details, unknown ones hide internals. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    return { ...formatted, message: original.message, extensions: { ...formatted.extensions, code: original.code, ...original.details } };
  }
  if (original instanceof GraphQLError || formatted.extensions?.code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return formatted;
  }
  // An unexpected failure: keep the path, drop the message and stack that would leak internals.
  return { message: 'Internal server error', path: formatted.path, locations: formatted.locations, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
