import { startSubgraphProcess } from '@shopgraph/kit';
import { createOrderSubgraph } from './server.js';

await startSubgraphProcess('order', createOrderSubgraph);
