import { startSubgraphProcess } from '@shopgraph/kit';
import { createInventorySubgraph } from './server.js';

await startSubgraphProcess('inventory', createInventorySubgraph);
