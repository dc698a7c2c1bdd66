import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@shopgraph/kit';
import { ARCHIVE_ENVIRONMENT_VARIABLES } from '../src/services/archive/archiveSettings.js';
import { WEBHOOK_EVENT_TYPE_NAMES, WEBHOOK_EVENT_TYPES } from '../src/services/webhooks/webhookEventTypes.js';
import { WEBHOOK_ENVIRONMENT_VARIABLES } from '../src/services/webhooks/webhookSettings.js';

const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README: webhooks and order archival', () => {
  it('documents every webhook and archival setting, each event type with its topic, and the archive command', () => {
    for (const variable of [...WEBHOOK_ENVIRONMENT_VARIABLES, ...ARCHIVE_ENVIRONMENT_VARIABLES]) expect(readme, variable).toContain(`\`${variable}\``);
    for (const type of WEBHOOK_EVENT_TYPE_NAMES) expect(readme, type).toContain(`| \`${type}\` | \`${WEBHOOK_EVENT_TYPES[type]}\` |`);
    expect(packageJson.scripts['orders:archive']).toBe('tsx subgraphs/order/src/archive.ts');
    expect(readme).toContain('npm run orders:archive');
    expect(readme).toContain("import { verifyWebhookSignature } from '@shopgraph/kit/webhooks';");
  });
});
