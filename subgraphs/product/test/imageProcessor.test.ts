import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageRejectedError, inspectImage, RENDITION_SIZES, SharpImageProcessor, type Rendition } from '../src/services/images/imageProcessor.js';
import { photoJpeg, pngHeader } from './imageFixtures.js';

const MAX_PIXELS = 50_000_000;

describe('image processing with sharp', () => {
  let original: Buffer;
  let renditions: Rendition[];

  beforeAll(async () => {
    // 2400 x 1800 stored sideways: EXIF orientation 6 says "turn 90 degrees clockwise", so upright it is 1800 x 2400.
    original = await photoJpeg(2400, 1800, { orientation: 6, gps: true });
    renditions = await new SharpImageProcessor().render(original, { maxPixels: MAX_PIXELS });
  });

  it('reads the upright size from the header', async () => {
    const meta = await sharp(original).metadata();
    expect(meta.exif).toBeDefined();
    // The fixture really carries what must not leak: the owner's name and a GPS block.
    expect(meta.exif!.includes(Buffer.from('secret-owner'))).toBe(true);
    expect(original.includes(Buffer.from('ShopgraphCam'))).toBe(true);
    expect(await inspectImage(original, MAX_PIXELS)).toEqual({ format: 'jpeg', width: 1800, height: 2400 });
  });

  it('makes the eight renditions: four sizes by longest edge, each JPEG and WebP, upright', async () => {
    expect(renditions.map((r) => `${r.size}/${r.format}`).sort()).toEqual(
      ['LARGE/JPEG', 'LARGE/WEBP', 'MEDIUM/JPEG', 'MEDIUM/WEBP', 'SMALL/JPEG', 'SMALL/WEBP', 'THUMBNAIL/JPEG', 'THUMBNAIL/WEBP'],
    );
    for (const r of renditions) {
      const edge = RENDITION_SIZES[r.size];
      const meta = await sharp(r.data).metadata();
      expect(meta.format).toBe(r.format === 'JPEG' ? 'jpeg' : 'webp');
      // Upright: portrait, the height is the longest edge; 3:4 kept.
      expect([meta.width, meta.height]).toEqual([(edge * 3) / 4, edge]);
      expect([r.width, r.height]).toEqual([meta.width, meta.height]);
    }
  });

  it('strips EXIF (GPS, camera, orientation), XMP and ICC from every rendition', async () => {
    for (const r of renditions) {
      const meta = await sharp(r.data).metadata();
      expect(meta.exif, `${r.size}/${r.format}`).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      expect(r.data.includes(Buffer.from('secret-owner'))).toBe(false);
      expect(r.data.includes(Buffer.from('ShopgraphCam'))).toBe(false);
    }
  });

  it('never enlarges a small original: every size above it keeps the original size', async () => {
    const small = await new SharpImageProcessor().render(await photoJpeg(300, 200), { maxPixels: MAX_PIXELS });
    const sizes = Object.fromEntries(small.filter((r) => r.format === 'WEBP').map((r) => [r.size, [r.width, r.height]]));
    expect(sizes).toEqual({ THUMBNAIL: [200, 133], SMALL: [300, 200], MEDIUM: [300, 200], LARGE: [300, 200] });
  });

  it('refuses what is not an image, before decoding', async () => {
    const text = Buffer.from('<?php echo "hello"; ?>'.repeat(50));
    await expect(inspectImage(text, MAX_PIXELS)).rejects.toMatchObject({ name: 'ImageRejectedError', reason: 'not_an_image' });
    // SVG is an image to sharp, but not one an upload may be (scripts, external references).
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    await expect(inspectImage(svg, MAX_PIXELS)).rejects.toMatchObject({ reason: 'not_an_image' });
  });

  it('refuses a corrupt file: image magic bytes with garbage behind them, and a truncated JPEG', async () => {
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x41)]);
    await expect(inspectImage(garbage, MAX_PIXELS)).rejects.toMatchObject({ reason: 'corrupt' });
    const photo = await photoJpeg(600, 400);
    const truncated = photo.subarray(0, Math.floor(photo.length / 2));
    // Its header is whole, so it passes inspection; decoding it fails, and that is final.
    await inspectImage(truncated, MAX_PIXELS);
    const failure = await new SharpImageProcessor().render(truncated, { maxPixels: MAX_PIXELS }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ImageRejectedError);
    expect((failure as ImageRejectedError).reason).toBe('corrupt');
  });

  it('refuses a 50,000 x 50,000 header (a decompression bomb) from the header alone, and libvips refuses to decode it', async () => {
    const bomb = pngHeader(50_000, 50_000);
    expect(bomb.length).toBeLessThan(100);
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({ width: 50_000, height: 50_000 });
    await expect(inspectImage(bomb, MAX_PIXELS)).rejects.toMatchObject({ reason: 'too_many_pixels', message: expect.stringContaining('50000 x 50000') });
    // The worker checks the header again before decoding ...
    await expect(new SharpImageProcessor().render(bomb, { maxPixels: MAX_PIXELS })).rejects.toMatchObject({ reason: 'too_many_pixels' });
    // ... and decodes with libvips' own pixel limit, the guard behind the first.
    await expect(sharp(bomb, { limitInputPixels: MAX_PIXELS }).raw().toBuffer()).rejects.toThrow(/pixel limit/i);
  });
});
