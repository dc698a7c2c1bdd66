import path from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { LocalDiskStorage, type MediaStorage } from './mediaStorage.js';
import { UploadTokens } from './uploadToken.js';

/** MEDIA_DIR's default: beside the embedded database's data. */
export const DEFAULT_MEDIA_DIR = path.join(REPO_ROOT, '.data', 'media');
export const DEFAULT_MEDIA_PUBLIC_URL = '/media';
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
/** 50 megapixels: a 8660 x 5773 photo passes, a 50,000 x 50,000 "decompression bomb" does not. */
export const DEFAULT_MAX_IMAGE_PIXELS = 50_000_000;

/** What the gateway (uploads in, renditions out) and the product subgraph (processing) share. */
export interface MediaSettings {
  storage: MediaStorage;
  /** Prefix of public media URLs: "/media" (the gateway's origin) or a CDN's. */
  publicUrl: string;
  maxUploadBytes: number;
  /** Largest width x height an upload may declare in its header. */
  maxPixels: number;
  /** Signs and checks upload tokens; undefined without INTERNAL_SIGNING_SECRET (uploads are then refused). */
  tokens: UploadTokens | undefined;
}

export interface MediaSettingsOptions {
  dir?: string | undefined;
  storage?: MediaStorage;
  publicUrl?: string | undefined;
  maxUploadBytes?: number | undefined;
  maxPixels?: number | undefined;
  secret: string | undefined;
}

export function createMediaSettings(options: MediaSettingsOptions): MediaSettings {
  return {
    storage: options.storage ?? new LocalDiskStorage(path.resolve(options.dir ?? DEFAULT_MEDIA_DIR)),
    publicUrl: (options.publicUrl ?? DEFAULT_MEDIA_PUBLIC_URL).replace(/\/+$/, ''),
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    maxPixels: options.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS,
    tokens: options.secret ? new UploadTokens(options.secret) : undefined,
  };
}
