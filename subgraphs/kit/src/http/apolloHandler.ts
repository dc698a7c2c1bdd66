import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { requestTally } from '../context.js';
import { RefusalCode } from '../errors.js';
import { PayloadTooLargeError, readBody } from './readBody.js';

export const DEFAULT_MAX_BODY_BYTES = 1_000_000;

/** One GraphQL request over HTTP as admission checks see it, before Apollo does. */
export interface GraphQLHttpCall {
  req: IncomingMessage;
  url: URL;
  method: string;
  headers: HeaderMap;
  /** The body exactly as received ("" for GET): what the internal signature covers. */
  rawBody: string;
  /** The parsed JSON body (or the raw text of another content type); a check may replace it. */
  body: unknown;
  /** The query string handed to Apollo (GET requests); a check may replace it. */
  search: string;
}

/** Ends a request before GraphQL runs, with an HTTP status and a GraphQL error code. */
export class GraphQLHttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphQLHttpRefusal';
  }
}

export interface AdmissionOptions<TAdmission> {
  /** Runs before Apollo: throws GraphQLHttpRefusal to refuse (auth, limits), may rewrite the call. */
  admit?: (call: GraphQLHttpCall) => Promise<TAdmission> | TAdmission;
  /** Over this the request is refused with 413 before it is read further. */
  maxBodyBytes?: number;
  /** Told about every refusal (metrics, logs). */
  onRefusal?: (refusal: GraphQLHttpRefusal, call: GraphQLHttpCall | undefined) => void;
}

export interface ApolloHandlerOptions<TContext, TAdmission> extends AdmissionOptions<TAdmission> {
  /** The request context, from the call and what admission returned. */
  context: (call: GraphQLHttpCall, admission: TAdmission) => Promise<TContext>;
}

export function sendRefusal(res: ServerResponse, refusal: GraphQLHttpRefusal): void {
  res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', ...refusal.headers });
  res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code, ...refusal.extensions } }] }));
}

/** Reads a request (body limit, JSON) into a call; throws GraphQLHttpRefusal for a body it refuses. */
export async function readGraphQLHttpCall(req: IncomingMessage, url: URL, maxBodyBytes = DEFAULT_MAX_BODY_BYTES): Promise<GraphQLHttpCall> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = req.method ?? 'GET';
  const call: GraphQLHttpCall = { req, url, method, headers, rawBody: '', body: undefined, search: url.search };
  if (method !== 'POST') return call;
  const tooLarge = () =>
    new GraphQLHttpRefusal(413, RefusalCode.PAYLOAD_TOO_LARGE, `Request body over ${maxBodyBytes} bytes`, { maxBytes: maxBodyBytes });
  if (Number(headers.get('content-length') ?? 0) > maxBodyBytes) throw tooLarge();
  try {
    call.rawBody = await readBody(req, maxBodyBytes);
  } catch (err) {
    if (err instanceof PayloadTooLargeError) throw tooLarge();
    throw err;
  }
  const type = headers.get('content-type') ?? '';
  if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
    try {
      call.body = call.rawBody === '' ? undefined : JSON.parse(call.rawBody);
    } catch {
      throw new GraphQLHttpRefusal(400, RefusalCode.BAD_REQUEST, 'Request body is not valid JSON');
    }
  } else {
    call.body = call.rawBody;
  }
  return call;
}

/**
 * Reads a request and runs the admission checks. A refused request is answered here
 * (status, GraphQL error code) and comes back undefined.
 */
export async function admitGraphQLHttpCall<TAdmission>(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: AdmissionOptions<TAdmission> = {},
): Promise<{ call: GraphQLHttpCall; admission: TAdmission } | undefined> {
  let call: GraphQLHttpCall | undefined;
  try {
    call = await readGraphQLHttpCall(req, url, options.maxBodyBytes);
    const admission = options.admit ? await options.admit(call) : (undefined as TAdmission);
    return { call, admission };
  } catch (err) {
    if (!(err instanceof GraphQLHttpRefusal)) throw err;
    options.onRefusal?.(err, call);
    // An unread body must not be parsed as the next request on a keep-alive socket.
    if (!req.complete) res.setHeader('connection', 'close');
    sendRefusal(res, err);
    return undefined;
  }
}

/** Apollo's HTTP request shape of an admitted call. */
export function httpGraphQLRequestOf(call: GraphQLHttpCall): HTTPGraphQLRequest {
  return { method: call.method, headers: call.headers, search: call.search, body: call.body };
}

/** Runs a request through Apollo, counting the SQL statements it causes (requestTally). */
export function executeGraphQLHttpRequest<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  httpGraphQLRequest: HTTPGraphQLRequest,
  context: () => Promise<TContext>,
): Promise<HTTPGraphQLResponse> {
  return requestTally.run({ sqlQueries: 0 }, () => apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context }));
}

/** Writes Apollo's response (complete or streamed) to the socket. */
export async function writeGraphQLHttpResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * Apollo Server on plain node:http, through its documented integration API
 * (executeHTTPGraphQLRequest): no framework between the socket and GraphQL. Admission
 * checks (the subgraphs' signature check) run before Apollo sees the request.
 */
export function apolloHandler<TContext extends BaseContext, TAdmission = undefined>(
  apollo: ApolloServer<TContext>,
  options: ApolloHandlerOptions<TContext, TAdmission>,
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const admitted = await admitGraphQLHttpCall(req, res, url, options);
    if (!admitted) return;
    const { call, admission } = admitted;
    await writeGraphQLHttpResponse(res, await executeGraphQLHttpRequest(apollo, httpGraphQLRequestOf(call), () => options.context(call, admission)));
  };
}
