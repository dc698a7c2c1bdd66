export * from './imageSignature.js';
export * from './mediaConfig.js';
export * from './mediaStorage.js';
export * from './uploadToken.js';
