import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { UploadTokens } from '@shopgraph/kit';
import { eventually, TEST_INTERNAL_SIGNING_SECRET, testMediaDir, testMediaSettings } from '@shopgraph/kit/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { photoJpeg, pngHeader } from '../../subgraphs/product/test/imageFixtures.js';
import { startSupergraph, testToken, type RunningSupergraph } from './supergraphHarness.js';

/** Product images end to end: GraphQL and HTTP through the real gateway, real sharp and pg-boss in the product subgraph. */
let stack: RunningSupergraph;
let origin: string;
let adminToken: string;
let productId: string;

const CREATE = `mutation ($productId: ID!, $alt: String) { createProductImageUpload(productId: $productId, alt: $alt) { uploadUrl uploadToken expiresAt } }`;
const IMAGES = `query ($id: ID!) { product(id: $id) { id images { id alt status width height url thumb: url(size: THUMBNAIL, format: JPEG) } } }`;

async function gql(query: string, variables: Record<string, unknown>, token?: string) {
  const res = await fetch(stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify({ query, variables }),
  });
  return { headers: res.headers, body: (await res.json()) as { data?: any; errors?: any[] } };
}

async function uploadTicket(alt?: string) {
  const res = await gql(CREATE, { productId, ...(alt && { alt }) }, adminToken);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createProductImageUpload as { uploadUrl: string; uploadToken: string };
}

const put = async (path: string, body: Buffer, init: RequestInit = {}) => {
  const res = await fetch(`${origin}${path}`, { method: 'PUT', body, ...init });
  return { status: res.status, body: (await res.json()) as { image?: { imageId: string; status: string }; errors?: any[] } };
};

beforeAll(async () => {
  stack = await startSupergraph({ redis: true });
  origin = new URL(stack.gatewayUrl).origin;
  adminToken = await testToken('ADMIN', { subject: 'admin-images' });
  productId = (await stack.sql<{ id: string }>(`SELECT id::text FROM catalog.product WHERE status = 'ACTIVE' ORDER BY sku LIMIT 1`))[0]!.id;
});
afterAll(async () => {
  await stack?.stop();
});

describe('product images through the gateway', () => {
  it('refuses uploads to anonymous callers, customers and admins without the catalog scope', async () => {
    expect((await gql(CREATE, { productId })).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const customer = await testToken('CUSTOMER', { subject: 'customer-images' });
    expect((await gql(CREATE, { productId }, customer)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const ordersAdmin = await testToken('ADMIN', { scopes: ['orders'] });
    expect((await gql(CREATE, { productId }, ordersAdmin)).body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('takes an image by PUT, renders it, and serves the renditions with immutable caching; the cached product page refreshes', async () => {
    // An anonymous product page, cached by the gateway before the upload.
    const before = await gql(IMAGES, { id: productId });
    expect((await gql(IMAGES, { id: productId })).headers.get('x-cache')).toBe('HIT');

    const { uploadUrl } = await uploadTicket('Studio shot');
    const uploaded = await put(uploadUrl, await photoJpeg(1800, 1200, { gps: true }), { headers: { 'content-type': 'image/jpeg' } });
    expect(uploaded.status).toBe(201);
    const imageId = uploaded.body.image!.imageId;
    expect(uploaded.body.image).toMatchObject({ status: 'PENDING', productId });

    // product.changed when it is READY evicts the cached page: the next anonymous read shows it.
    let images: any[] = [];
    await eventually(
      async () => {
        images = (await gql(IMAGES, { id: productId })).body.data!.product.images;
        return images.some((i) => i.id === imageId);
      },
      'the new image on the public product page',
      30_000,
    );
    expect(images.length).toBe(before.body.data!.product.images.length + 1);
    const image = images.find((i) => i.id === imageId);
    expect(image).toMatchObject({ alt: 'Studio shot', status: 'READY', width: 1800, height: 1200 });
    expect(image.url).toMatch(/^\/media\/images\/[0-9a-f]{64}\.webp$/);

    const res = await fetch(`${origin}${image.url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"${/([0-9a-f]{64})/.exec(image.url)![1]}"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['webp', 800, 533, undefined]);

    const thumb = await fetch(`${origin}${image.thumb}`);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width).toBe(200);

    const revalidated = await fetch(`${origin}${image.url}`, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves renditions only: originals and staged uploads are never public, and keys are checked', async () => {
    const original = (await stack.sql<{ original_key: string }>(`SELECT original_key FROM catalog.product_image WHERE original_key IS NOT NULL LIMIT 1`))[0]!;
    expect(await stack.deps.product.media.storage.get(original.original_key)).toBeDefined();
    for (const path of [`/media/${original.original_key}`, '/media/images/../originals/x.jpeg', '/media/images/abc.webp', `/media/images/${'0'.repeat(64)}.webp`]) {
      expect((await fetch(`${origin}${path}`)).status, path).toBe(404);
    }
  });

  it('refuses a reused token, an expired one and a forged one', async () => {
    const { uploadUrl, uploadToken } = await uploadTicket();
    expect((await put(uploadUrl, await photoJpeg(300, 200))).status).toBe(201);
    const reused = await put(uploadUrl, await photoJpeg(300, 200));
    expect(reused.status).toBe(409);
    expect(reused.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'used' });

    const claims = JSON.parse(Buffer.from(uploadToken.split('.')[0]!, 'base64url').toString('utf8')) as { u: string; p: string };
    const expired = new UploadTokens(TEST_INTERNAL_SIGNING_SECRET).sign({ uploadId: claims.u, productId: claims.p, expiresAt: Date.now() - 1 });
    const late = await put(`/media/uploads/${expired}`, await photoJpeg(300, 200));
    expect(late.status).toBe(401);
    expect(late.body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'expired' });

    for (const junk of ['%E0%A4%A', 'not-a-token', `${uploadToken}.extra`]) {
      const res = await put(`/media/uploads/${junk}`, Buffer.from('x'));
      expect([res.status, res.body.errors?.[0]?.extensions?.reason], junk).toEqual([401, 'malformed']);
    }
    const forged = new UploadTokens('another-secret-of-at-least-32-characters!!').sign({ uploadId: claims.u, productId: claims.p, expiresAt: Date.now() + 60_000 });
    expect((await put(`/media/uploads/${forged}`, await photoJpeg(300, 200))).body.errors?.[0]?.extensions).toMatchObject({ reason: 'forged' });
  });

  it('refuses what is not an image, a decompression bomb and what is too large, with clear codes', async () => {
    const images = async () => (await stack.sql<{ n: number }>('SELECT count(*)::int AS n FROM catalog.product_image'))[0]!.n;
    const count = await images();
    const notImage = await put((await uploadTicket()).uploadUrl, Buffer.from('#!/bin/sh\necho this is not a picture\n'.repeat(10)));
    expect(notImage.status).toBe(415);
    expect(notImage.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'not_an_image' });

    const bomb = await put((await uploadTicket()).uploadUrl, pngHeader(50_000, 50_000));
    expect(bomb.status).toBe(422);
    expect(bomb.body.errors?.[0]).toMatchObject({ message: expect.stringContaining('50000 x 50000'), extensions: { code: 'BAD_USER_INPUT', reason: 'too_many_pixels' } });

    // A gateway that takes 100 kB: a declared length over it is refused before a byte is read ...
    const small = await stack.startGateway({ media: testMediaSettings(stack.testDatabase.name, { maxUploadBytes: 100_000 }) });
    const smallOrigin = new URL(small.url).origin;
    const big = await photoJpeg(1200, 1200);
    expect(big.length).toBeGreaterThan(100_000);
    const declared = await fetch(`${smallOrigin}${(await uploadTicket()).uploadUrl}`, { method: 'PUT', body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as any).errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: 100_000 });
    // ... and a streamed body without a length is cut off while streaming.
    const chunks = [big.subarray(0, 60_000), big.subarray(60_000)];
    const stream = new ReadableStream({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const streamed = await fetch(`${smallOrigin}${(await uploadTicket()).uploadUrl}`, { method: 'PUT', body: stream, duplex: 'half' });
    expect(streamed.status).toBe(413);
    expect(await images()).toBe(count);
  });

  it('drops the partial file when a client goes away mid-upload, and the token stays unspent', async () => {
    const { uploadUrl, uploadToken } = await uploadTicket();
    const uploads = path.join(testMediaDir(stack.testDatabase.name), 'uploads');
    const controller = new AbortController();
    let sent = 0;
    const stream = new ReadableStream({
      async pull(c) {
        if (sent === 0) c.enqueue(await photoJpeg(200, 200));
        else await new Promise((r) => setTimeout(r, 50)); // then stall: the body never ends
        sent++;
      },
    });
    const request = fetch(`${origin}${uploadUrl}`, { method: 'PUT', body: stream, duplex: 'half', signal: controller.signal }).catch((err: unknown) => err);
    await eventually(async () => (await readdir(uploads).catch(() => [])).some((f) => f.endsWith('.part')), 'the partial upload on disk');
    controller.abort();
    expect(await request).toBeInstanceOf(Error);
    await eventually(async () => (await readdir(uploads)).length === 0, 'the partial upload to be removed');
    const uploadId = JSON.parse(Buffer.from(uploadToken.split('.')[0]!, 'base64url').toString('utf8')).u as string;
    expect(await stack.sql(`SELECT used_at FROM catalog.image_upload WHERE id = $1::uuid`, uploadId)).toEqual([{ used_at: null }]);
    expect((await put(uploadUrl, await photoJpeg(200, 200))).status).toBe(201);
  });
});
