import { startSubgraphProcess } from '@shopgraph/kit';
import { createProductSubgraph } from './server.js';

await startSubgraphProcess('product', createProductSubgraph);
