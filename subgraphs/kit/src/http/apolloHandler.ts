import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
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

export interface ApolloHandlerOptions<TContext, TAdmission> {
  /** The request context, from the call and what admission returned. */
  context: (call: GraphQLHttpCall, admission: TAdmission) => Promise<TContext>;
  /** Runs before Apollo: throws GraphQLHttpRefusal to refuse (auth, limits), may rewrite the call. */
  admit?: (call: GraphQLHttpCall) => Promise<TAdmission> | TAdmission;
  /** Over this the request is refused with 413 before it is read further. */
  maxBodyBytes?: number;
  /** Told about every refusal (metrics, logs). */
  onRefusal?: (refusal: GraphQLHttpRefusal, call: GraphQLHttpCall | undefined) => void;
}

export function sendRefusal(res: ServerResponse, refusal: GraphQLHttpRefusal): void {
  res.writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', ...refusal.headers });
  res.end(JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code, ...refusal.extensions } }] }));
}

/**
 * Apollo Server on plain node:http, through its documented integration API
 * (executeHTTPGraphQLRequest): no framework between the socket and GraphQL.
 */
export function apolloHandler<TContext extends BaseContext, TAdmission = undefined>(
  apollo: ApolloServer<TContext>,
  options: ApolloHandlerOptions<TContext, TAdmission>,
) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let call: GraphQLHttpCall | undefined;
    let admission: TAdmission;
    try {
      call = await readCall(req, url, maxBodyBytes);
      admission = options.admit ? await options.admit(call) : (undefined as TAdmission);
    } catch (err) {
      if (!(err instanceof GraphQLHttpRefusal)) throw err;
      options.onRefusal?.(err, call);
      // An unread body must not be parsed as the next request on a keep-alive socket.
      if (!req.complete) res.setHeader('connection', 'close');
      sendRefusal(res, err);
      return;
    }
    const admitted = call;
    const response = await requestTally.run({ sqlQueries: 0 }, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: admitted.method, headers: admitted.headers, search: admitted.search, body: admitted.body },
        context: () => options.context(admitted, admission),
      }),
    );
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

async function readCall(req: IncomingMessage, url: URL, maxBodyBytes: number): Promise<GraphQLHttpCall> {
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
