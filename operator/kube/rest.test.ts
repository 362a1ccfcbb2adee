import { describe, expect, it } from 'vitest';
import { resourcePath } from './rest.ts';

describe('resourcePath', () => {
  it('core and named groups, namespaced or not, objects and subresources', () => {
    expect(resourcePath('v1', 'configmaps', 'ns', 'a')).toBe('/api/v1/namespaces/ns/configmaps/a');
    expect(resourcePath('apps/v1', 'deployments')).toBe('/apis/apps/v1/deployments');
    expect(resourcePath('networking.k8s.io/v1', 'ingressclasses', undefined, 'nginx')).toBe(
      '/apis/networking.k8s.io/v1/ingressclasses/nginx',
    );
    expect(resourcePath('hello.operators.dev/v1alpha1', 'helloservices', 'ns', 'x', 'status')).toBe(
      '/apis/hello.operators.dev/v1alpha1/namespaces/ns/helloservices/x/status',
    );
  });
});
