import { sniffImage } from '@shopgraph/kit';
import sharp from 'sharp';
import type { Metadata, OutputInfo } from 'sharp';

/** Longest edge of each rendition, in pixels. */
export const RENDITION_SIZES = { THUMBNAIL: 200, SMALL: 400, MEDIUM: 800, LARGE: 1600 } as const;
export type RenditionSize = keyof typeof RENDITION_SIZES;
export const RENDITION_FORMATS = ['JPEG', 'WEBP'] as const;
export type RenditionFormat = (typeof RENDITION_FORMATS)[number];

export const CONTENT_TYPES: Record<RenditionFormat, { contentType: string; extension: string }> = {
  JPEG: { contentType: 'image/jpeg', extension: 'jpg' },
  WEBP: { contentType: 'image/webp', extension: 'webp' },
};

/** Formats sharp may decode from an upload (its SVG, PDF and raw inputs are never taken). */
const DECODABLE = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);

export type ImageRejection = 'not_an_image' | 'corrupt' | 'too_many_pixels';

/** The upload can never become an image: retrying will not help. */
export class ImageRejectedError extends Error {
  constructor(
    readonly reason: ImageRejection,
    message: string,
  ) {
    super(message);
    this.name = 'ImageRejectedError';
  }
}

export interface ImageHeader {
  format: string;
  /** Upright (after EXIF orientation). */
  width: number;
  height: number;
}

/**
 * Reads what an upload declares before any pixel is decoded: its leading bytes must be an
 * image format we take, its header must parse, and width x height must stay within
 * `maxPixels` (a small file may declare 50,000 x 50,000 pixels: a decompression bomb).
 */
export async function inspectImage(bytes: Buffer, maxPixels: number): Promise<ImageHeader> {
  if (!sniffImage(bytes.subarray(0, 64))) throw new ImageRejectedError('not_an_image', 'not an image (JPEG, PNG, WebP, GIF, AVIF, HEIF or TIFF)');
  let meta: Metadata;
  try {
    // Header only: metadata() decodes no pixels, so the pixel limit does not apply yet.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new ImageRejectedError('corrupt', 'the image header cannot be read (corrupt or truncated file)');
  }
  if (!DECODABLE.has(meta.format) || !meta.width || !meta.height) {
    throw new ImageRejectedError('not_an_image', `not an image we take (${meta.format || 'unknown format'})`);
  }
  if (meta.width * meta.height > maxPixels) {
    throw new ImageRejectedError('too_many_pixels', `${meta.width} x ${meta.height} pixels is more than the ${maxPixels} allowed`);
  }
  const turned = (meta.orientation ?? 1) >= 5;
  return { format: meta.format, width: turned ? meta.height : meta.width, height: turned ? meta.width : meta.height };
}

export interface Rendition {
  size: RenditionSize;
  format: RenditionFormat;
  width: number;
  height: number;
  data: Buffer;
}

/** Makes the renditions of an original; the worker stores them. Tests put a failing one in its place. */
export interface ImageProcessor {
  render(original: Buffer, options: { maxPixels: number }): Promise<Rendition[]>;
}

/** libvips' words for input that will never decode (anything else may be transient, and is retried). */
const UNDECODABLE = /unsupported image format|corrupt|premature end|input buffer|pixel limit|bad seek|not a known file format|improper call|invalid/i;

function classify(err: unknown): unknown {
  const message = (err as Error).message ?? String(err);
  return UNDECODABLE.test(message) ? new ImageRejectedError('corrupt', `cannot decode the image: ${message}`) : err;
}

const LARGEST_EDGE = Math.max(...Object.values(RENDITION_SIZES));
/**
 * libjpeg-turbo, progressive, Huffman tables optimised. mozjpeg saves bytes (a quarter on the
 * bench's synthetic photo) but took 5-6 times as long to encode (`npm run bench -- images`
 * measures both), and the renderer shares the product subgraph's CPU with its API; WebP, the
 * smaller format, is the default URL anyway.
 */
export const JPEG_OPTIONS = { quality: 82, progressive: true, optimiseCoding: true } as const;

/**
 * sharp: decode the original once (pixel limit enforced again by libvips), turn it upright
 * by its EXIF orientation, convert to sRGB and shrink it to the largest rendition, as raw
 * pixels; then each size (longest edge, never enlarged) is made from those pixels, as JPEG
 * (flattened on white, JPEG_OPTIONS) and WebP (quality 80). Raw pixels carry no metadata, so EXIF, GPS, XMP and the ICC
 * profile are gone from every rendition.
 */
export class SharpImageProcessor implements ImageProcessor {
  async render(original: Buffer, options: { maxPixels: number }): Promise<Rendition[]> {
    // Every size is computed from the original's upright size, so two steps round as one would.
    const upright = await inspectImage(original, options.maxPixels);
    const sizeFor = (edge: number) => {
      const scale = Math.min(1, edge / Math.max(upright.width, upright.height));
      return { width: Math.max(1, Math.round(upright.width * scale)), height: Math.max(1, Math.round(upright.height * scale)), fit: 'fill' as const };
    };
    let master: { data: Buffer; info: OutputInfo };
    try {
      master = await sharp(original, { limitInputPixels: options.maxPixels, failOn: 'error' })
        .autoOrient()
        .resize(sizeFor(LARGEST_EDGE))
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
    } catch (err) {
      throw classify(err);
    }
    const raw = { width: master.info.width, height: master.info.height, channels: master.info.channels };
    const renditions: Rendition[] = [];
    for (const [size, edge] of Object.entries(RENDITION_SIZES) as [RenditionSize, number][]) {
      for (const format of RENDITION_FORMATS) {
        const resized = sharp(master.data, { raw }).resize(sizeFor(edge));
        const encoder = format === 'JPEG' ? resized.flatten({ background: '#ffffff' }).jpeg(JPEG_OPTIONS) : resized.webp({ quality: 80 });
        const out = await encoder.toBuffer({ resolveWithObject: true });
        renditions.push({ size, format, width: out.info.width, height: out.info.height, data: out.data });
      }
    }
    return renditions;
  }
}
