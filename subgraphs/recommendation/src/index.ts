import { startSubgraphProcess } from '@shopgraph/kit';
import { createRecommendationSubgraph } from './server.js';

await startSubgraphProcess('recommendation', createRecommendationSubgraph);
