import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (this file lives in subgraphs/kit/src). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCHEMA_DIR = path.join(REPO_ROOT, 'schema');
