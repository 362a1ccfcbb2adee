import { describe, expect, it } from 'vitest';
import { buildDeployment } from './deployment.ts';
import { hello, settings } from './fixtures.ts';
import { buildServiceAccount } from './serviceaccount.ts';

describe('buildServiceAccount', () => {
  it('mounts no API token, and is the one the pods run as', () => {
    const sa = buildServiceAccount(hello(), settings);
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(buildDeployment(hello(), settings).spec?.template.spec?.serviceAccountName).toBe(
      sa.metadata?.name,
    );
  });
});
