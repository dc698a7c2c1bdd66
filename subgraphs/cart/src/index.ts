import { startSubgraphProcess } from '@shopgraph/kit';
import { createCartSubgraph } from './server.js';

await startSubgraphProcess('cart', createCartSubgraph);
