export * from './identity.js';
export * from './authorization.js';
export * from './authDirectives.js';
export * from './internalSignature.js';
export * from './internalAuth.js';
