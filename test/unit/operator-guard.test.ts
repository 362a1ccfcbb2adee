import { describe, expect, it } from 'vitest';
import { type OperatorDeployment, unconfinedOperators } from '../cluster/operator-guard.ts';

function deployment(
  name: string,
  replicas: number | undefined,
  env: Record<string, string>,
  args: string[] = [],
) {
  return {
    metadata: { namespace: 'ops', name },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      template: {
        spec: { containers: [{ args, env: Object.entries(env).map(([n, value]) => ({ name: n, value })) }] },
      },
    },
  } satisfies OperatorDeployment;
}

describe('unconfinedOperators', () => {
  it('names running operators that watch every namespace, not confined or scaled-down ones', () => {
    expect(
      unconfinedOperators([
        deployment('all', 2, { WORKLOAD_IMAGE: 'x' }),
        deployment('default-replicas', undefined, {}),
        deployment('blank-env', 1, { WATCH_NAMESPACES: ' ' }),
        deployment('confined-env', 2, { WATCH_NAMESPACES: 'default' }),
        deployment('confined-flag', 2, {}, ['run', '--watch-namespaces=a,b']),
        deployment('scaled-down', 0, {}),
      ]),
    ).toEqual(['ops/all', 'ops/default-replicas', 'ops/blank-env']);
  });
});
