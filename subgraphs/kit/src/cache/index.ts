export * from './cacheCodec.js';
export * from './cacheLayers.js';
export * from './cacheMetrics.js';
export * from './entityCache.js';
export * from './invalidationBus.js';
export * from './cacheGeneration.js';
export * from './invalidationLog.js';
export * from './responseTags.js';
