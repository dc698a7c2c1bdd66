import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Counter, type Registry } from 'prom-client';
import {
  ANONYMOUS,
  ErrorCode,
  IDENTITY_HEADER,
  MEDIA_ACCEPT_PATH,
  MediaTooLargeError,
  RefusalCode,
  REQUEST_ID_HEADER,
  requestIdOf,
  sniffImage,
  stagingKeyFor,
  type InternalSigner,
  type Logger,
  type MediaSettings,
  type RouteHandler,
} from '@shopgraph/kit';

/** A year, and never revalidated: a rendition's key names its bytes by their hash. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';
/** Public media: renditions only. Originals (with their EXIF) and staged uploads are never served. */
const PUBLIC_KEY = /^images\/([0-9a-f]{64})\.(jpg|webp)$/;
const CONTENT_TYPE: Record<string, string> = { jpg: 'image/jpeg', webp: 'image/webp' };
/** Bytes sniffed before the first chunk may be judged (WebP needs 12). */
const SNIFF_BYTES = 16;

export interface MediaRoutesOptions {
  media: MediaSettings;
  /** The product subgraph's /graphql URL: uploads are handed over beside it. */
  productSubgraphUrl: string;
  /** Signs the hand-over (absent only in insecure development mode). */
  signer: InternalSigner | undefined;
  logger: Logger;
  registry: Registry;
}

class NotAnImageError extends Error {}
class UploadAbortedError extends Error {}

/**
 * The gateway's media face, on its own HTTP server:
 *
 *   PUT /media/uploads/<token>   an admin's image bytes (the token came from createProductImageUpload)
 *   GET /media/images/<sha256>.<jpg|webp>   a rendition, immutable
 *
 * An upload is checked in order, each step before the next costs anything: the token's
 * signature and expiry, the declared Content-Length, then the bytes as they stream (the
 * first ones must be an image format, the count must stay under MEDIA_MAX_UPLOAD_BYTES),
 * into a staging key; then the product subgraph takes it over (single use, header and
 * pixel checks, the image row and its render job) and its answer is the response.
 */
export function createMediaRoutes(options: MediaRoutesOptions): Record<string, RouteHandler> {
  const { media, logger } = options;
  const requests = new Counter({
    name: 'media_requests_total',
    help: 'Media requests by kind (upload, rendition) and HTTP status',
    labelNames: ['kind', 'status'],
    registers: [options.registry],
  });
  const acceptUrl = new URL(MEDIA_ACCEPT_PATH, options.productSubgraphUrl).toString();

  const refuse = (res: ServerResponse, kind: string, status: number, code: string, message: string, extra: Record<string, unknown> = {}) => {
    requests.inc({ kind, status });
    if (res.headersSent) return void res.end();
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] }));
  };

  async function upload(req: IncomingMessage, res: ServerResponse, encodedToken: string): Promise<void> {
    // A refusal sent before the body is read closes the connection: the rest of the body is not waited for.
    const refuseEarly = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => {
      res.setHeader('connection', 'close');
      req.resume();
      refuse(res, 'upload', status, code, message, extra);
    };
    if (req.method !== 'PUT') {
      res.setHeader('allow', 'PUT');
      return refuseEarly(405, RefusalCode.BAD_REQUEST, 'Send the image with PUT');
    }
    if (!media.tokens) return refuseEarly(503, RefusalCode.SERVICE_UNAVAILABLE, 'Image uploads need INTERNAL_SIGNING_SECRET');
    let token: string;
    try {
      token = decodeURIComponent(encodedToken);
    } catch {
      return refuseEarly(401, ErrorCode.UNAUTHENTICATED, 'Upload token malformed', { reason: 'malformed' });
    }
    const check = media.tokens.verify(token);
    if (!check.ok) return refuseEarly(401, ErrorCode.UNAUTHENTICATED, `Upload token ${check.reason}`, { reason: check.reason });
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > media.maxUploadBytes) {
      return refuseEarly(413, RefusalCode.PAYLOAD_TOO_LARGE, `The image is larger than ${media.maxUploadBytes} bytes`, { maxBytes: media.maxUploadBytes });
    }

    const stagedKey = stagingKeyFor(check.claims.uploadId);
    // Our own stream between the socket and the storage: a refusal mid-way ends it, not the socket,
    // so the client still reads the answer.
    const body = new PassThrough();
    req.pipe(body);
    // A client gone mid-upload: stop waiting for bytes (the partial file is removed).
    const abort = () => {
      if (!req.complete) body.destroy(new UploadAbortedError('the client went away mid-upload'));
    };
    req.once('close', abort);
    req.once('error', abort);
    let head = Buffer.alloc(0);
    try {
      await media.storage.putStream(stagedKey, body, {
        maxBytes: media.maxUploadBytes,
        inspect: (chunk) => {
          head = Buffer.concat([head, chunk]).subarray(0, SNIFF_BYTES);
          if (head.length >= SNIFF_BYTES && !sniffImage(head)) throw new NotAnImageError();
        },
      });
    } catch (err) {
      req.unpipe(body);
      if (err instanceof UploadAbortedError) {
        requests.inc({ kind: 'upload', status: 499 });
        return;
      }
      if (err instanceof MediaTooLargeError) {
        return refuseEarly(413, RefusalCode.PAYLOAD_TOO_LARGE, `The image is larger than ${media.maxUploadBytes} bytes`, { maxBytes: media.maxUploadBytes });
      }
      if (err instanceof NotAnImageError) {
        return refuseEarly(415, ErrorCode.BAD_USER_INPUT, 'Invalid file: not an image (JPEG, PNG, WebP, GIF, AVIF, HEIF or TIFF)', { field: 'file', reason: 'not_an_image' });
      }
      throw err;
    }

    const handOver = JSON.stringify({ token, stagedKey });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.signer) headers[IDENTITY_HEADER] = options.signer.sign(ANONYMOUS, { method: 'POST', search: '', body: handOver });
    // The id the gateway answers with (the caller's, when well formed), so the upload's logs and events carry it.
    headers[REQUEST_ID_HEADER] = requestIdOf(req);
    let answer: Response;
    try {
      answer = await fetch(acceptUrl, { method: 'POST', headers, body: handOver });
    } catch (err) {
      await media.storage.delete(stagedKey);
      logger.error({ err }, 'product subgraph unreachable for an image upload');
      return refuse(res, 'upload', 502, RefusalCode.SERVICE_UNAVAILABLE, 'The catalog cannot take the upload now; ask for a new upload and try again');
    }
    const text = await answer.text();
    requests.inc({ kind: 'upload', status: answer.status });
    res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(text);
  }

  async function rendition(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return refuse(res, 'rendition', 405, RefusalCode.BAD_REQUEST, 'GET or HEAD only');
    }
    const match = PUBLIC_KEY.exec(key);
    if (!match) return refuse(res, 'rendition', 404, ErrorCode.NOT_FOUND, 'No such media');
    const etag = `"${match[1]}"`;
    const common = { etag, 'cache-control': IMMUTABLE_CACHE_CONTROL };
    if (req.headers['if-none-match']?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      requests.inc({ kind: 'rendition', status: 304 });
      res.writeHead(304, common);
      return void res.end();
    }
    const file = await media.storage.open(key);
    if (!file) return refuse(res, 'rendition', 404, ErrorCode.NOT_FOUND, 'No such media');
    requests.inc({ kind: 'rendition', status: 200 });
    res.writeHead(200, { ...common, 'content-type': CONTENT_TYPE[match[2]!]!, 'content-length': file.size, 'x-content-type-options': 'nosniff' });
    if (req.method === 'HEAD') {
      file.stream.destroy();
      return void res.end();
    }
    await pipeline(file.stream, res);
  }

  return {
    '/media/*': async (req, res, url) => {
      const rest = url.pathname.slice('/media/'.length);
      if (rest.startsWith('uploads/')) return upload(req, res, rest.slice('uploads/'.length));
      return rendition(req, res, rest);
    },
  };
}
