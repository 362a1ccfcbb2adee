// The HelloService object as a whole. Spec and status types are generated from schema.ts.

import type { DefaultedHelloServiceSpec, HelloServiceSpec, HelloServiceStatus } from './types.gen.ts';

export type * from './types.gen.ts';

/** The part of ObjectMeta the builders read. `uid` is absent when rendering without a cluster. */
export interface HelloServiceMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [key: string]: unknown;
}

/** A HelloService as a user writes it. */
export interface HelloService {
  apiVersion: 'hello.operators.dev/v1alpha1';
  kind: 'HelloService';
  metadata: HelloServiceMetadata;
  spec: HelloServiceSpec;
  status?: HelloServiceStatus;
}

/** A HelloService with the schema defaults applied, as the API server stores it (see defaults.ts). */
export interface DefaultedHelloService extends Omit<HelloService, 'spec'> {
  spec: DefaultedHelloServiceSpec;
}
