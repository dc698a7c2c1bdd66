export * from './cacheCodec.js';
export * from './cacheLayers.js';
export * from './cacheMetrics.js';
export * from './entityCache.js';
export * from './invalidationBus.js';
