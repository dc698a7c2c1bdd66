import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RefusalCode, REPO_ROOT, SERVICE_ENVIRONMENT_VARIABLES } from '@shopgraph/kit';
import { GATEWAY_ENVIRONMENT_VARIABLES } from '../src/gatewayConfig.js';
import { LAUNCH_ENVIRONMENT_VARIABLES } from '../src/launch/launchSettings.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const configuration = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Other commands'));

describe('README', () => {
  it('names every environment variable the code reads in its configuration table', () => {
    const variables = new Set([...SERVICE_ENVIRONMENT_VARIABLES, ...GATEWAY_ENVIRONMENT_VARIABLES, ...LAUNCH_ENVIRONMENT_VARIABLES]);
    for (const variable of variables) {
      // The subgraph URLs share one row: `PRODUCT_SUBGRAPH_URL` … `RECOMMENDATION_SUBGRAPH_URL`.
      if (variable.endsWith('_SUBGRAPH_URL')) continue;
      expect(configuration, variable).toContain(`\`${variable}\``);
    }
    expect(configuration).toContain('`PRODUCT_SUBGRAPH_URL` … `RECOMMENDATION_SUBGRAPH_URL`');
  });

  it('documents every refusal code the gateway answers with', () => {
    const limits = readme.slice(readme.indexOf('## Limits at the gateway'), readme.indexOf('## Example queries'));
    for (const code of [...Object.values(RefusalCode), ErrorCode.UNAUTHENTICATED, ErrorCode.RATE_LIMITED]) {
      expect(limits, code).toContain(`\`${code}\``);
    }
  });
});
