// Test fixtures: HelloServices that are checked against the schema before any builder sees them, so
// that a builder test can never pass on input the API server would reject.

import { API_VERSION, KIND } from '../api/schema.ts';
import type { DefaultedHelloService, HelloServiceSpec } from '../api/types.ts';
import { formatErrors, validateHelloService } from '../api/validate.ts';
import { operatorSettings } from './settings.ts';

export const settings = operatorSettings({ workloadImage: 'registry.example/hello-workload:1.0.0' });
export const UID = '0d4c2f5e-5f1a-4f7b-9a57-3c2b8e0f9a11';

/** A valid HelloService `name` in namespace `demo` with a uid (as the controller sees it), defaulted. */
export function hello(
  spec: Partial<HelloServiceSpec> = {},
  metadata: { name?: string; namespace?: string; uid?: string } = {},
): DefaultedHelloService {
  const doc = {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name: 'hello', namespace: 'demo', uid: UID, ...metadata },
    spec: { message: 'Hello, world!', ...spec },
  };
  const result = validateHelloService(doc);
  if (!result.ok) throw new Error(`invalid fixture:\n${formatErrors(result.errors)}`);
  return result.value;
}

/** A 253-character HelloService name, the longest Kubernetes allows. */
export const LONGEST_NAME = `${'a'.repeat(63)}.`.repeat(3) + 'b'.repeat(61);
