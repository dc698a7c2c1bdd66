import { IDENTITY_HEADER, stagingKeyFor, type SubgraphDeps } from '@shopgraph/kit';
import { eventually, testIdentities, useTestSubgraph } from '@shopgraph/kit/testing';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ACCEPT_UPLOAD_PATH } from '../src/media/acceptUploadRoute.js';
import { createProductSubgraph, type ProductSubgraph } from '../src/server.js';
import { SharpImageProcessor, type ImageProcessor, type Rendition } from '../src/services/images/imageProcessor.js';
import { photoJpeg, pngHeader } from './imageFixtures.js';

/**
 * The real sharp processor behind a failure counter: the next `failures` renders of the
 * armed original throw a transient error (other images' jobs, still running from earlier
 * tests, render normally).
 */
class FlakyProcessor implements ImageProcessor {
  private armed: Buffer | undefined;
  failures = 0;
  calls = 0;
  private readonly real = new SharpImageProcessor();

  arm(original: Buffer, failures: number): void {
    this.armed = original;
    this.failures = failures;
    this.calls = 0;
  }

  render(original: Buffer, options: { maxPixels: number }): Promise<Rendition[]> {
    if (!this.armed?.equals(original)) return this.real.render(original, options);
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('storage node unavailable (injected)'));
    }
    return this.real.render(original, options);
  }
}

const processor = new FlakyProcessor();
const subgraph = useTestSubgraph((deps: SubgraphDeps) => createProductSubgraph(deps, { images: { processor, jobs: { retryLimit: 3, retryDelaySeconds: 1, pollingIntervalSeconds: 0.5 } } }), {
  eventSource: 'catalog',
});
const { gql, gqlAs, sql, one } = subgraph;
const admin = testIdentities.admin();

const CREATE = `mutation ($productId: ID!, $alt: String, $position: Int) {
  createProductImageUpload(productId: $productId, alt: $alt, position: $position) { uploadUrl uploadToken expiresAt }
}`;
const IMAGES = `query ($id: ID!) { product(id: $id) { images { id alt position status width height url thumb: url(size: THUMBNAIL, format: JPEG)
  renditions { size format url width height bytes } } } }`;

const product = () => one<{ id: string; name: string }>(`SELECT id::text, name FROM catalog.product WHERE status = 'ACTIVE' ORDER BY id LIMIT 1 OFFSET 3`);
const server = () => subgraph.running.server as ProductSubgraph;
const media = () => subgraph.running.deps.media;

/** What the gateway does after receiving the bytes: stage them, then hand them over, signed. */
async function handOver(token: string, bytes: Buffer, options: { forge?: boolean } = {}) {
  const uploadId = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')).u as string;
  const stagedKey = stagingKeyFor(uploadId);
  await media().storage.put(stagedKey, bytes);
  const body = JSON.stringify({ token, stagedKey });
  const signature = subgraph.running.signer.sign(testIdentities.anonymous, { method: 'POST', search: '', body: options.forge ? '{}' : body });
  const res = await fetch(subgraph.running.url.replace('/graphql', ACCEPT_UPLOAD_PATH), { method: 'POST', body, headers: { [IDENTITY_HEADER]: signature } });
  return { status: res.status, body: (await res.json()) as { image?: { imageId: string; status: string }; errors?: { message: string; extensions: Record<string, unknown> }[] }, stagedKey };
}

async function ticket(productId: string, extra: Record<string, unknown> = {}) {
  const res = await gqlAs(admin, CREATE, { productId, ...extra });
  expect(res.errors).toBeUndefined();
  return res.data!.createProductImageUpload as { uploadUrl: string; uploadToken: string; expiresAt: string };
}

const statusOf = async (imageId: string) => (await one<{ status: string }>(`SELECT status::text FROM catalog.product_image WHERE id = $1::uuid`, imageId)).status;

describe('product image uploads', () => {
  it('lets only catalog admins ask for an upload, and validates the input', async () => {
    const { id } = await product();
    const anonymous = await gql(CREATE, { productId: id });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const customer = await gqlAs(testIdentities.customer(), CREATE, { productId: id });
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const inventoryAdmin = await gqlAs(testIdentities.admin(['inventory']), CREATE, { productId: id });
    expect(inventoryAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const bad = await gqlAs(admin, CREATE, { productId: 'nope', alt: 'x'.repeat(301), position: -1 });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((bad.errors?.[0]?.extensions?.fieldErrors as { field: string }[]).map((e) => e.field)).toEqual(['productId', 'alt', 'position']);
    const missing = await gqlAs(admin, CREATE, { productId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await one<{ n: number }>('SELECT count(*)::int AS n FROM catalog.image_upload')).toEqual({ n: 0 });
  });

  it('turns an upload into eight renditions, shows the image once READY and records product.changed', async () => {
    const { id, name } = await product();
    const before = await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.product_image WHERE product_id = $1::uuid`, id);
    const { uploadUrl, uploadToken, expiresAt } = await ticket(id);
    expect(uploadUrl).toBe(`/media/uploads/${uploadToken}`);
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const events0 = await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.changed' AND aggregate_id = $1`, id);

    const handed = await handOver(uploadToken, await photoJpeg(2000, 1000));
    expect(handed.status).toBe(201);
    const imageId = handed.body.image!.imageId;
    // The staged copy is gone; the original is kept under its hash, privately.
    expect(await media().storage.get(handed.stagedKey)).toBeUndefined();
    await eventually(async () => (await statusOf(imageId)) === 'READY', 'the image to be rendered', 30_000);

    const row = await one<{ alt: string; position: number; width: number; height: number; url: string | null }>(
      'SELECT alt, position, width, height, url FROM catalog.product_image WHERE id = $1::uuid',
      imageId,
    );
    expect(row).toEqual({ alt: name, position: before.n === 0 ? 0 : expect.any(Number), width: 2000, height: 1000, url: null });
    const res = await gql(IMAGES, { id });
    const image = res.data!.product.images.find((i: { id: string }) => i.id === imageId);
    expect(image).toMatchObject({ status: 'READY', width: 2000, height: 1000 });
    expect(image.renditions).toHaveLength(8);
    const medium = image.renditions.find((r: { size: string; format: string }) => r.size === 'MEDIUM' && r.format === 'WEBP');
    expect(image.url).toBe(medium.url);
    expect(medium).toMatchObject({ width: 800, height: 400 });
    expect(image.thumb).toMatch(/^\/media\/images\/[0-9a-f]{64}\.jpg$/);
    for (const r of image.renditions) {
      const bytes = await media().storage.get(r.url.replace('/media/', ''));
      expect(bytes?.length).toBe(r.bytes);
      expect((await sharp(bytes).metadata()).width).toBe(r.width);
    }
    // Added (PENDING) and then shown (READY): two product.changed events.
    const events1 = await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.changed' AND aggregate_id = $1`, id);
    expect(events1.n - events0.n).toBe(2);
  });

  it('spends a token on its first use: a reused token is refused and changes nothing', async () => {
    const { id } = await product();
    const { uploadToken } = await ticket(id, { alt: 'Once', position: 7 });
    expect((await handOver(uploadToken, await photoJpeg(400, 400))).status).toBe(201);
    const images = await one<{ n: number }>('SELECT count(*)::int AS n FROM catalog.product_image');
    const again = await handOver(uploadToken, await photoJpeg(400, 400));
    expect(again.status).toBe(409);
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'used' });
    expect(await one<{ n: number }>('SELECT count(*)::int AS n FROM catalog.product_image')).toEqual(images);
    expect(await media().storage.get(again.stagedKey)).toBeUndefined();
  });

  it('refuses an expired token, a forged one and an unsigned hand-over', async () => {
    const { id } = await product();
    const { uploadToken } = await ticket(id);
    const uploadId = JSON.parse(Buffer.from(uploadToken.split('.')[0]!, 'base64url').toString('utf8')).u as string;
    await sql(`UPDATE catalog.image_upload SET expires_at = now() - interval '1 second' WHERE id = $1::uuid`, uploadId);
    const expired = await handOver(uploadToken, await photoJpeg(300, 300));
    expect(expired.status).toBe(401);
    expect(expired.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });
    // A token whose own expiry passed is refused before the database is asked.
    const old = media().tokens!.sign({ uploadId, productId: id, expiresAt: Date.now() - 1000 });
    expect((await handOver(old, await photoJpeg(300, 300))).body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });
    const forgedToken = `${uploadToken.split('.')[0]}.${Buffer.alloc(32).toString('base64url')}`;
    expect((await handOver(forgedToken, await photoJpeg(300, 300))).body.errors?.[0]?.extensions).toMatchObject({ reason: 'forged' });
    const fresh = await ticket(id);
    const unsigned = await handOver(fresh.uploadToken, await photoJpeg(300, 300), { forge: true });
    expect(unsigned.status).toBe(401);
    expect(await one<{ used: boolean }>('SELECT used_at IS NOT NULL AS used FROM catalog.image_upload WHERE id = $1::uuid', JSON.parse(Buffer.from(fresh.uploadToken.split('.')[0]!, 'base64url').toString('utf8')).u)).toEqual({ used: false });
  });

  it('refuses what is not an image, a corrupt file and a 50,000 x 50,000 header with BAD_USER_INPUT, adding no image', async () => {
    const { id } = await product();
    const images = await one<{ n: number }>('SELECT count(*)::int AS n FROM catalog.product_image');
    const cases: [Buffer, number, string][] = [
      [Buffer.from('MZ this is a program, not a picture'.repeat(20)), 415, 'not_an_image'],
      [Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 7)]), 422, 'corrupt'],
      [pngHeader(50_000, 50_000), 422, 'too_many_pixels'],
    ];
    for (const [bytes, status, reason] of cases) {
      const { uploadToken } = await ticket(id);
      const res = await handOver(uploadToken, bytes);
      expect(res.status, reason).toBe(status);
      expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file', reason });
    }
    expect(await one<{ n: number }>('SELECT count(*)::int AS n FROM catalog.product_image')).toEqual(images);
    expect((await sql<{ refusal: string }>('SELECT refusal FROM catalog.image_upload WHERE refusal IS NOT NULL')).length).toBe(3);
  });

  it('retries a job that fails twice with backoff, and it ends READY', async () => {
    const { id } = await product();
    const { uploadToken } = await ticket(id);
    const photo = await photoJpeg(900, 600);
    processor.arm(photo, 2);
    const imageId = (await handOver(uploadToken, photo)).body.image!.imageId;
    await eventually(async () => (await statusOf(imageId)) === 'READY', 'the image to be rendered after two failures', 30_000);
    expect(processor.calls).toBe(3);
    const row = await one<{ attempts: number; error: string | null }>('SELECT attempts, error FROM catalog.product_image WHERE id = $1::uuid', imageId);
    expect(row).toEqual({ attempts: 3, error: null });
    // pg-boss marks the job completed just after the handler returns (the row is READY first).
    const job = () =>
      one<{ state: string; retry_count: number; retry_backoff: boolean }>(`SELECT state::text, retry_count, retry_backoff FROM catalog_jobs.job WHERE data->>'imageId' = $1`, imageId);
    await eventually(async () => (await job()).state !== 'active', 'the job to be completed');
    expect(await job()).toEqual({ state: 'completed', retry_count: 2, retry_backoff: true });
  });

  it('marks an image FAILED after its last attempt, lists it for admins, and retries it on request', async () => {
    const { id } = await product();
    const { uploadToken } = await ticket(id);
    const photo = await photoJpeg(500, 500);
    processor.arm(photo, 4); // every attempt of retryLimit 3
    const imageId = (await handOver(uploadToken, photo)).body.image!.imageId;
    await eventually(async () => (await statusOf(imageId)) === 'FAILED', 'the image to fail for good', 30_000);
    const failed = await gqlAs(admin, `{ failedProductImages { id status error } }`);
    expect(failed.data!.failedProductImages).toContainEqual({ id: imageId, status: 'FAILED', error: 'attempt 4 failed: storage node unavailable (injected)' });
    await eventually(async () => (await sql(`SELECT 1 FROM catalog_jobs.job WHERE name = 'product-image-render-failed' AND data->>'imageId' = $1`, imageId)).length === 1, 'the dead letter');
    // Shoppers do not see it; admins do, with its error.
    expect((await gql(IMAGES, { id })).data!.product.images.map((i: { id: string }) => i.id)).not.toContain(imageId);
    const asAdmin = await gqlAs(admin, `query ($id: ID!) { product(id: $id) { images { id status url error } } }`, { id });
    expect(asAdmin.data!.product.images).toContainEqual({ id: imageId, status: 'FAILED', url: null, error: expect.stringContaining('injected') });
    expect((await gql(`{ failedProductImages { id } }`)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    processor.failures = 0;
    const retried = await gqlAs(admin, `mutation ($id: ID!) { retryProductImage(id: $id) { id status } }`, { id: imageId });
    expect(retried.data!.retryProductImage).toEqual({ id: imageId, status: 'PENDING' });
    await eventually(async () => (await statusOf(imageId)) === 'READY', 'the retried image to be rendered', 30_000);
    const again = await gqlAs(admin, `mutation ($id: ID!) { retryProductImage(id: $id) { id } }`, { id: imageId });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // Two failures before (the previous test), three retries and one final failure here.
    const metrics = await (await fetch(subgraph.running.url.replace('/graphql', '/metrics'))).text();
    const count = (outcome: string) => Number(new RegExp(`^product_image_renders_total\\{outcome="${outcome}"[^}]*\\} (\\d+)`, 'm').exec(metrics)?.[1]);
    expect([count('retry'), count('failed')]).toEqual([5, 1]);
    expect(count('ready')).toBeGreaterThanOrEqual(4);
    // The queue's own view: every attempt that threw is a job failure; the dead letter waits in its queue.
    const jobs = (metric: string, queue: string) => Number(new RegExp(`^${metric}\\{queue="${queue}"[^}]*\\} (\\d+)`, 'm').exec(metrics)?.[1]);
    expect(jobs('jobs_failures_total', 'product-image-render')).toBe(count('retry') + count('failed'));
    expect(jobs('jobs_completed_total', 'product-image-render')).toBeGreaterThanOrEqual(count('ready'));
    expect(jobs('jobs_queue_depth', 'product-image-render-failed')).toBeGreaterThanOrEqual(1);
  });

  it('deletes an image: product.changed, and the cached list forgets it', async () => {
    const { id } = await product();
    const { uploadToken } = await ticket(id);
    const imageId = (await handOver(uploadToken, await photoJpeg(300, 300))).body.image!.imageId;
    await eventually(async () => (await statusOf(imageId)) === 'READY', 'the image to be rendered', 30_000);
    // Read through the cache first, so the delete must evict it.
    expect((await gql(IMAGES, { id })).data!.product.images.map((i: { id: string }) => i.id)).toContain(imageId);
    const events0 = await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.changed' AND aggregate_id = $1`, id);
    const customer = await gqlAs(testIdentities.customer(), `mutation ($id: ID!) { deleteProductImage(id: $id) }`, { id: imageId });
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const res = await gqlAs(admin, `mutation ($id: ID!) { deleteProductImage(id: $id) }`, { id: imageId });
    expect(res.data).toEqual({ deleteProductImage: true });
    expect((await gql(IMAGES, { id })).data!.product.images.map((i: { id: string }) => i.id)).not.toContain(imageId);
    const events1 = await one<{ n: number }>(`SELECT count(*)::int AS n FROM catalog.outbox_event WHERE topic = 'product.changed' AND aggregate_id = $1`, id);
    expect(events1.n - events0.n).toBe(1);
    expect((await gqlAs(admin, `mutation ($id: ID!) { deleteProductImage(id: $id) }`, { id: imageId })).data).toEqual({ deleteProductImage: false });
  });

  it('keeps seeded images working: READY, their one url whatever the size', async () => {
    const seeded = await one<{ product_id: string; url: string }>('SELECT product_id::text, url FROM catalog.product_image WHERE original_key IS NULL ORDER BY id LIMIT 1');
    const res = await gql(`query ($id: ID!) { product(id: $id) { images { url large: url(size: LARGE, format: JPEG) status renditions { url } } } }`, { id: seeded.product_id });
    expect(res.data!.product.images).toContainEqual({ url: seeded.url, large: seeded.url, status: 'READY', renditions: [] });
    expect(server().images).toBeDefined();
  });
});
