import { createHash } from 'node:crypto';
import type { HTTPGraphQLRequest } from '@apollo/server';

/** The parts of a GraphQL request that decide its answer. */
interface OperationParts {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/** JSON with object keys sorted, so {a, b} and {b, a} variables share one entry. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function partsOf(request: HTTPGraphQLRequest): OperationParts | undefined {
  if (request.method === 'POST') {
    const body = request.body;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body) : undefined;
  }
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    const json = (name: string) => {
      const raw = params.get(name);
      if (raw === null) return undefined;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw; // Apollo will refuse it; the key only has to be deterministic
      }
    };
    return { query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined, variables: json('variables'), extensions: json('extensions') };
  }
  return undefined;
}

/** Which JSON media type the client will be answered in (part of the key: the bytes differ by it). */
export function negotiatedMediaType(request: HTTPGraphQLRequest): string {
  return (request.headers.get('accept') ?? '').includes('application/graphql-response+json') ? 'application/graphql-response+json' : 'application/json';
}

/**
 * Key of a request in the response cache: operation text (or its persisted-query hash),
 * operation name, variables and media type. Undefined for what cannot be a cached query
 * (a batch, a body that is not a GraphQL request).
 */
export function responseCacheKey(request: HTTPGraphQLRequest): string | undefined {
  const parts = partsOf(request);
  if (!parts) return undefined;
  const persisted = (parts.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  const operation = typeof parts.query === 'string' ? parts.query : typeof persisted === 'string' ? `#${persisted}` : undefined;
  if (operation === undefined) return undefined;
  return createHash('sha256')
    .update(canonicalJson([operation, parts.operationName ?? null, parts.variables ?? {}, negotiatedMediaType(request)]))
    .digest('base64url');
}
