export * from './testDatabase.js';
export * from './graphqlClient.js';
export * from './subgraphHarness.js';
export * from './testAuth.js';
export * from './redisServer.js';
export * from './eventRecorder.js';
export * from './logCapture.js';
