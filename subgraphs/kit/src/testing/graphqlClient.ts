import type { Identity } from '../auth/identity.js';
import { IDENTITY_HEADER, type InternalSigner } from '../auth/internalSignature.js';

/** A GraphQL response as a test reads it. */
export interface GraphQLResponse<TData = Record<string, unknown>> {
  data?: TData | null;
  errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }>;
}

export interface PostOptions {
  headers?: Record<string, string>;
  /** Signs the request the way the gateway does, as this caller (direct subgraph calls). */
  signAs?: { signer: InternalSigner; identity: Identity; clientAddress?: string };
}

/** The whole HTTP answer, for tests that check statuses and headers (401, 413, 429). */
export interface HttpGraphQLResponse<TData> {
  status: number;
  headers: Headers;
  body: GraphQLResponse<TData>;
}

/** POSTs a JSON body over real HTTP, signed when asked. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
export async function sendGraphQL<TData = Record<string, any>>(url: string, payload: unknown, options: PostOptions = {}): Promise<HttpGraphQLResponse<TData>> {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    ...options.headers,
  };
  if (options.signAs) {
    headers[IDENTITY_HEADER] = options.signAs.signer.sign(options.signAs.identity, { method: 'POST', search: new URL(url).search, body }, options.signAs.clientAddress);
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: GraphQLResponse<TData>;
  try {
    parsed = JSON.parse(text) as GraphQLResponse<TData>;
  } catch {
    parsed = { errors: [{ message: text }] };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** POSTs one operation over real HTTP, the way a storefront or the gateway does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read responses loosely
export async function postGraphQL<TData = Record<string, any>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  options: Omit<PostOptions, 'headers'> = {},
): Promise<GraphQLResponse<TData>> {
  return (await sendGraphQL<TData>(url, { query, variables }, { ...options, headers })).body;
}

