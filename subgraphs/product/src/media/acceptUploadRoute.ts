import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError, ErrorCode, IDENTITY_HEADER, MEDIA_ACCEPT_PATH, requestIdOf, type InternalAuth, type Logger, type RouteHandler } from '@shopgraph/kit';
import { z } from 'zod';
import type { ImageService } from '../services/images/imageService.js';

/** Where the gateway hands over an upload it staged (POST, signed like every gateway call). */
export const ACCEPT_UPLOAD_PATH = MEDIA_ACCEPT_PATH;
const MAX_BODY = 4096;

const bodySchema = z.object({ token: z.string().min(1).max(1024), stagedKey: z.string().min(1).max(300) }).strict();

/** HTTP status of a refused upload, by its code (and the reason the image was refused). */
export function uploadRefusalStatus(code: string, reason?: unknown): number {
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
      return reason === 'not_an_image' ? 415 : 422;
    case ErrorCode.UNAUTHENTICATED:
      return 401;
    case ErrorCode.FORBIDDEN:
      return 403;
    case ErrorCode.NOT_FOUND:
      return 404;
    case ErrorCode.CONFLICT:
      return 409;
    default:
      return 500;
  }
}

/**
 * The product subgraph's side of an upload: the gateway received and staged the bytes and
 * calls here, signed with the internal secret over this exact body, so no one who reaches
 * the subgraph's port directly can register an image. Answers `{ image }` or `{ errors }`
 * in GraphQL's error shape.
 */
export function acceptUploadRoute(images: ImageService, internalAuth: InternalAuth, logger: Logger): RouteHandler {
  return async (req, res, url) => {
    if (req.method !== 'POST') return send(res, 405, { errors: [{ message: 'POST only', extensions: { code: 'BAD_REQUEST' } }] });
    const body = await readBody(req);
    if (body === undefined) return send(res, 413, { errors: [{ message: 'body too large', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    const check = internalAuth.authenticate(req.headers[IDENTITY_HEADER] as string | undefined, { method: 'POST', search: url.search, body });
    // Insecure development mode lets unsigned calls through as anonymous; uploads still need their token.
    if (!check.ok) return send(res, 401, { errors: [{ message: `Gateway signature ${check.reason}`, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
    let parsed: z.infer<typeof bodySchema>;
    try {
      parsed = bodySchema.parse(JSON.parse(body));
    } catch {
      return send(res, 400, { errors: [{ message: 'expected { token, stagedKey }', extensions: { code: 'BAD_REQUEST' } }] });
    }
    try {
      const image = await images.acceptUpload(parsed.token, parsed.stagedKey, requestIdOf(req));
      send(res, 201, { image });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      logger.info({ requestId: requestIdOf(req), code: err.code, err: err.message }, 'image upload refused');
      send(res, uploadRefusalStatus(err.code, err.details.reason), { errors: [{ message: err.message, extensions: { code: err.code, ...err.details } }] });
    }
  };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
