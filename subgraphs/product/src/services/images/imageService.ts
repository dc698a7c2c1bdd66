import { createHash } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  InputError,
  NotFoundError,
  isUuid,
  parseFirst,
  recordEvents,
  type FieldError,
  type Logger,
  type MediaSettings,
  type PrismaClient,
} from '@shopgraph/kit';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { CatalogCaches } from '../../caches.js';
import type { ImageModel } from '../../models.js';
import { eventMeta, type ChangeActor } from '../pricingService.js';
import { assertMayChange, assertMayChangeProduct } from '../productOwnership.js';
import type { ImageJobAttempt, ImageJobs } from './imageJobs.js';
import { CONTENT_TYPES, ImageRejectedError, inspectImage, type ImageProcessor, type RenditionFormat, type RenditionSize } from './imageProcessor.js';

/** How long an upload token is good for. */
export const UPLOAD_TTL_MS = 15 * 60 * 1000;
const MAX_ALT = 300;
const MAX_POSITION = 1000;
/** Upload rows (spent, refused or never used) are kept this long after they expire, then purged. */
const UPLOAD_KEEP_DAYS = 7;

/** What the image pipeline reports on /metrics. */
export function imageMetrics(registry: Registry) {
  return {
    uploads: new Counter({
      name: 'product_image_uploads_total',
      help: 'Uploads handed over by the gateway, by outcome (accepted, refused)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    renders: new Counter({
      name: 'product_image_renders_total',
      help: 'Render attempts by outcome: ready, retry (failed, will retry), failed (last attempt failed), rejected (the file can never render)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    renderSeconds: new Histogram({
      name: 'product_image_render_seconds',
      help: 'Time to make and store the eight renditions of one image',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export interface CreateUploadInput {
  productId: string;
  alt?: string | null;
  position?: number | null;
}

export interface UploadTicket {
  uploadUrl: string;
  uploadToken: string;
  expiresAt: Date;
}

/** What the gateway learns when it hands over an upload. */
export interface AcceptedUpload {
  imageId: string;
  productId: string;
  status: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Product images: upload tickets, accepting staged uploads (single use), rendering them on
 * the job queue, removal and retry. Every change of what a product shows records
 * product.changed ('edited') with the rows, and evicts the product's cached images after commit.
 */
export class ImageService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly caches: CatalogCaches,
    private readonly media: MediaSettings,
    private readonly jobs: ImageJobs,
    private readonly processor: ImageProcessor,
    private readonly logger: Logger,
    private readonly metrics: ReturnType<typeof imageMetrics>,
  ) {}

  /** The public URL of a stored rendition. */
  urlOf(key: string): string {
    return `${this.media.publicUrl}/${key}`;
  }

  async createUpload(actor: ChangeActor, input: CreateUploadInput): Promise<UploadTicket> {
    const errors: FieldError[] = [];
    if (!isUuid(input.productId)) errors.push({ field: 'productId', message: 'is not a product id' });
    if (input.alt != null && (input.alt.trim().length === 0 || input.alt.length > MAX_ALT)) errors.push({ field: 'alt', message: `must be 1-${MAX_ALT} characters` });
    if (input.position != null && (!Number.isInteger(input.position) || input.position < 0 || input.position > MAX_POSITION)) {
      errors.push({ field: 'position', message: `must be 0-${MAX_POSITION}` });
    }
    if (errors.length > 0) throw new InputError(errors);
    const tokens = this.media.tokens;
    if (!tokens) throw new DomainError(ErrorCode.FORBIDDEN, 'Image uploads need INTERNAL_SIGNING_SECRET (it signs upload tokens)');
    const product = await this.prisma.product.findUnique({ where: { id: input.productId }, select: { id: true, name: true, sellerId: true } });
    if (!product) throw new NotFoundError('Product', 'productId', input.productId);
    assertMayChange(actor, product.sellerId);
    const last = await this.prisma.productImage.aggregate({ where: { productId: product.id }, _max: { position: true } });
    const expiresAt = new Date(Date.now() + UPLOAD_TTL_MS);
    await this.prisma.$executeRaw`DELETE FROM catalog.image_upload WHERE expires_at < now() - make_interval(days => ${UPLOAD_KEEP_DAYS})`;
    const upload = await this.prisma.imageUpload.create({
      data: {
        productId: product.id,
        alt: input.alt?.trim() ?? product.name,
        position: input.position ?? (last._max.position ?? -1) + 1,
        createdBy: actor.subject,
        expiresAt,
      },
    });
    const uploadToken = tokens.sign({ uploadId: upload.id, productId: product.id, expiresAt: expiresAt.getTime() });
    return { uploadUrl: `${this.media.publicUrl}/uploads/${uploadToken}`, uploadToken, expiresAt };
  }

  /**
   * Takes the bytes the gateway staged at `stagedKey` for the upload `token` names. The
   * token is spent first, so it serves one upload whether that is accepted or refused. The
   * header is checked (an image format, at most maxPixels) before anything is decoded; the
   * image row, its product.changed event and its render job commit together.
   */
  async acceptUpload(token: string, stagedKey: string, requestId?: string): Promise<AcceptedUpload> {
    const tokens = this.media.tokens;
    if (!tokens) throw new DomainError(ErrorCode.FORBIDDEN, 'Image uploads need INTERNAL_SIGNING_SECRET');
    const check = tokens.verify(token);
    if (!check.ok) throw new DomainError(ErrorCode.UNAUTHENTICATED, `Upload token ${check.reason}`, { reason: check.reason });
    const { uploadId } = check.claims;
    if (!stagedKey.startsWith(`uploads/${uploadId}-`)) throw InputError.of('stagedKey', 'is not staged for this upload');
    try {
      const claimed = await this.prisma.$executeRaw`
        UPDATE catalog.image_upload SET used_at = now() WHERE id = ${uploadId}::uuid AND used_at IS NULL AND expires_at > now()`;
      if (claimed === 0) {
        const upload = await this.prisma.imageUpload.findUnique({ where: { id: uploadId } });
        if (!upload) throw new NotFoundError('ImageUpload', 'token', uploadId);
        if (upload.usedAt) throw new DomainError(ErrorCode.CONFLICT, 'Upload token already used: ask for a new upload', { reason: 'used' });
        throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Upload token expired', { reason: 'expired' });
      }
      const bytes = await this.media.storage.get(stagedKey);
      if (!bytes) throw new Error(`staged upload ${stagedKey} is missing`);
      let header;
      try {
        header = await inspectImage(bytes, this.media.maxPixels);
      } catch (err) {
        if (!(err instanceof ImageRejectedError)) throw err;
        await this.prisma.imageUpload.update({ where: { id: uploadId }, data: { refusal: err.message } });
        this.metrics.uploads.inc({ outcome: 'refused' });
        throw new DomainError(ErrorCode.BAD_USER_INPUT, `Invalid file: ${err.message}`, { field: 'file', reason: err.reason });
      }
      const originalKey = `originals/${sha256(bytes)}.${header.format}`;
      await this.media.storage.put(originalKey, bytes);
      const image = await this.prisma.$transaction(async (tx) => {
        const upload = await tx.imageUpload.findUniqueOrThrow({ where: { id: uploadId } });
        const product = await tx.product.findUnique({ where: { id: upload.productId }, select: { id: true } });
        if (!product) throw new NotFoundError('Product', 'productId', upload.productId);
        const created = await tx.productImage.create({
          data: { productId: upload.productId, alt: upload.alt, position: upload.position, width: header.width, height: header.height, status: 'PENDING', originalKey },
        });
        await tx.imageUpload.update({ where: { id: uploadId }, data: { imageId: created.id } });
        await recordEvents(tx, 'catalog', [{ topic: 'product.changed', payload: { productId: upload.productId, change: 'edited' } }], {
          actor: upload.createdBy,
          ...(requestId && { requestId }),
        });
        // The job carries the upload's request id into the event it records when the image is ready.
        await this.jobs.enqueue(tx, { imageId: created.id, ...(requestId && { requestId }) });
        return created;
      });
      await this.evict(image.productId);
      this.jobs.nudge();
      this.metrics.uploads.inc({ outcome: 'accepted' });
      return { imageId: image.id, productId: image.productId, status: image.status };
    } finally {
      await this.media.storage.delete(stagedKey);
    }
  }

  /**
   * The worker's step for one job: renditions from the original, stored under their hash,
   * then the rows and product.changed in one transaction. A file that can never render
   * fails the image at once; any other error is recorded and rethrown, so pg-boss retries
   * with backoff, and after the last attempt the image is FAILED (and the job dead-lettered).
   */
  async renderImage(imageId: string, attempt: ImageJobAttempt, requestId?: string): Promise<void> {
    const image = await this.prisma.productImage.findUnique({ where: { id: imageId } });
    if (!image || image.status === 'READY' || !image.originalKey) return;
    await this.prisma.productImage.update({ where: { id: imageId }, data: { status: 'PROCESSING', attempts: { increment: 1 } } });
    await this.evict(image.productId);
    const timer = this.metrics.renderSeconds.startTimer();
    try {
      const original = await this.media.storage.get(image.originalKey);
      if (!original) throw new Error(`original ${image.originalKey} is missing from storage`);
      const renditions = await this.processor.render(original, { maxPixels: this.media.maxPixels });
      const stored: { imageId: string; size: string; format: string; key: string; width: number; height: number; bytes: number }[] = [];
      for (const r of renditions) {
        const key = `images/${sha256(r.data)}.${CONTENT_TYPES[r.format].extension}`;
        await this.media.storage.put(key, r.data);
        stored.push({ imageId, size: r.size, format: r.format, key, width: r.width, height: r.height, bytes: r.data.length });
      }
      await this.prisma.$transaction(async (tx) => {
        const [current] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM catalog.product_image WHERE id = ${imageId}::uuid FOR UPDATE`;
        if (!current) return;
        await tx.imageRendition.deleteMany({ where: { imageId } });
        await tx.imageRendition.createMany({ data: stored });
        await tx.productImage.update({ where: { id: imageId }, data: { status: 'READY', error: null } });
        await recordEvents(tx, 'catalog', [{ topic: 'product.changed', payload: { productId: image.productId, change: 'edited' } }], requestId ? { requestId } : {});
      });
      await this.evict(image.productId);
      timer();
      this.metrics.renders.inc({ outcome: 'ready' });
      this.logger.info({ imageId, attempt: attempt.attempt, requestId }, 'image rendered');
    } catch (err) {
      const rejected = err instanceof ImageRejectedError;
      const message = (err as Error).message;
      const failed = rejected || attempt.last;
      await this.prisma.productImage.updateMany({
        where: { id: imageId },
        data: { status: failed ? 'FAILED' : 'PENDING', error: rejected ? message : `attempt ${attempt.attempt} failed: ${message}` },
      });
      await this.evict(image.productId);
      this.metrics.renders.inc({ outcome: rejected ? 'rejected' : failed ? 'failed' : 'retry' });
      this.logger.warn({ imageId, attempt: attempt.attempt, requestId, failed, err: message }, 'image rendering failed');
      if (!rejected) throw err;
    }
  }

  /** Puts a FAILED image back on the queue. */
  async retryImage(actor: ChangeActor, id: string): Promise<ImageModel> {
    if (!isUuid(id)) throw InputError.of('id', 'is not an image id');
    const image = await this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ status: string; original_key: string | null; product_id: string }[]>`
        SELECT status::text, original_key, product_id::text FROM catalog.product_image WHERE id = ${id}::uuid FOR UPDATE`;
      if (!row) throw new NotFoundError('ProductImage', 'id', id);
      await assertMayChangeProduct(tx, actor, row.product_id);
      if (row.status !== 'FAILED' || !row.original_key) throw new DomainError(ErrorCode.CONFLICT, `Only a FAILED upload can be retried (this one is ${row.status})`);
      const updated = await tx.productImage.update({ where: { id }, data: { status: 'PENDING', error: null }, include: { renditions: true } });
      await this.jobs.enqueue(tx, { imageId: id, ...(actor.requestId && { requestId: actor.requestId }) });
      return updated;
    });
    this.logger.info({ imageId: id, actor: actor.subject }, 'image queued again');
    await this.evict(image.productId);
    this.jobs.nudge();
    return image;
  }

  /**
   * Removes an image (and its rendition rows). Stored files stay: they are named by content
   * and another image may show the same bytes.
   */
  async deleteImage(actor: ChangeActor, id: string): Promise<boolean> {
    if (!isUuid(id)) throw InputError.of('id', 'is not an image id');
    const productId = await this.prisma.$transaction(async (tx) => {
      const [deleted] = await tx.$queryRaw<{ product_id: string }[]>`DELETE FROM catalog.product_image WHERE id = ${id}::uuid RETURNING product_id::text`;
      if (!deleted) return undefined;
      // Refused after the delete: the throw rolls it back, so another seller's image stays.
      await assertMayChangeProduct(tx, actor, deleted.product_id);
      await recordEvents(tx, 'catalog', [{ topic: 'product.changed', payload: { productId: deleted.product_id, change: 'edited' } }], eventMeta(actor));
      return deleted.product_id;
    });
    if (!productId) return false;
    await this.evict(productId);
    return true;
  }

  /** Images whose processing failed for good, by product and position. */
  failedImages(first?: number | null): Promise<ImageModel[]> {
    const take = parseFirst(first);
    return this.prisma.productImage.findMany({ where: { status: 'FAILED' }, include: { renditions: true }, orderBy: [{ productId: 'asc' }, { position: 'asc' }, { id: 'asc' }], take });
  }

  /** The rendition a storefront asked for, or what an imported image has. */
  urlFor(image: ImageModel, size: RenditionSize, format: RenditionFormat): string | null {
    if (image.status !== 'READY') return null;
    if (image.renditions.length === 0) return image.url;
    const rendition = image.renditions.find((r) => r.size === size && r.format === format);
    return rendition ? this.urlOf(rendition.key) : null;
  }

  private async evict(productId: string): Promise<void> {
    await this.caches.imagesOfProduct.invalidate([productId]);
  }
}
