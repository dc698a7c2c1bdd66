import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import { requestTally } from '../context.js';
import { PayloadTooLargeError, readBody } from './readBody.js';

const MAX_BODY_BYTES = 1_000_000;

/**
 * Reads a request into Apollo's HTTP request shape: headers, query string and the body
 * (JSON parsed). Answers 413 or 400 itself and returns undefined when the body is refused.
 */
export async function readGraphQLHttpRequest(req: IncomingMessage, res: ServerResponse, url: URL): Promise<HTTPGraphQLRequest | undefined> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  if (req.method === 'POST') {
    let raw: string;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof PayloadTooLargeError) {
        res.writeHead(413, { 'content-type': 'text/plain' }).end('Payload too large');
        return undefined;
      }
      throw err;
    }
    const type = headers.get('content-type') ?? '';
    if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] }));
        return undefined;
      }
    } else {
      body = raw;
    }
  }
  return { method: req.method ?? 'GET', headers, search: url.search, body };
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
 * (executeHTTPGraphQLRequest): no framework between the socket and GraphQL.
 */
export function apolloHandler<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage) => Promise<TContext>,
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const request = await readGraphQLHttpRequest(req, res, url);
    if (!request) return;
    await writeGraphQLHttpResponse(res, await executeGraphQLHttpRequest(apollo, request, () => context(req)));
  };
}
