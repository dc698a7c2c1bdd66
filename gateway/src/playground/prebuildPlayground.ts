// Builds the playground bundle into its cache ahead of time, for images whose node_modules
// the running user cannot write (the Dockerfile's `USER node`):
//   node --import tsx gateway/src/playground/prebuildPlayground.ts
import { buildPlayground } from './buildPlayground.js';

const bundle = await buildPlayground();
const what = bundle.buildMs === null ? 'already built' : `built in ${bundle.buildMs} ms`;
console.log(`playground ${bundle.key}: ${what}, ${bundle.cachedAt ? `cached at ${bundle.cachedAt}` : 'NOT cached (folder not writable)'}`);
if (!bundle.cachedAt) process.exitCode = 1;
