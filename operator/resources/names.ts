// The names of everything the operator creates for a HelloService, in one place.

import { createHash } from 'node:crypto';

const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HASH_LENGTH = 8;

/**
 * The name of every child of the HelloService `name`: a DNS-1035 label (at most 63 characters,
 * starting with a letter), which every kind accepts, the Service being the strictest.
 * A name that already is one is used as it is; any other (longer, with dots, or starting with a digit)
 * becomes a readable prefix plus a hash of the whole name, so that it is stable across reconciles and
 * two different HelloServices never share a child name.
 */
export function childName(name: string): string {
  if (DNS_1035_LABEL.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, HASH_LENGTH);
  let prefix = name.replace(/[^-a-z0-9]/g, '-');
  if (!/^[a-z]/.test(prefix)) prefix = `hs-${prefix}`;
  prefix = prefix.slice(0, 63 - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${prefix}-${hash}`;
}

/** The container that runs the workload in every pod. */
export const CONTAINER_NAME = 'hello';
/** The named container port, referenced by the probes, the Service and the Ingress backend. */
export const PORT_NAME = 'http';
/** The ConfigMap key (and environment variable) holding the message. */
export const MESSAGES_KEY = 'MESSAGES';
/** The environment variables the operator sets in the workload container (deployment.ts), in their
 * order there; spec.env cannot set them. */
export const OPERATOR_ENV = [
  'PORT',
  MESSAGES_KEY,
  'TMPDIR',
  'SCRATCH_VOLUME_BYTES',
  'WORK_MAX_CONCURRENT',
] as const;
export type OperatorEnvName = (typeof OPERATOR_ENV)[number];
/** Set from spec.logLevel, only when given (then spec.env cannot name it; absent, it may). */
export const LOG_LEVEL_ENV = 'LOG_LEVEL';
/** The pod-template annotation holding the ConfigMap's content hash: a new message rolls the pods. */
export const CONFIG_HASH_ANNOTATION = 'hello.operators.dev/config-hash';
/**
 * The pod-template annotation holding the hash of the Secret and ConfigMap keys spec.env reads:
 * a changed value rolls the pods, as a new message does. Only on HelloServices that read some.
 */
export const ENV_HASH_ANNOTATION = 'hello.operators.dev/env-hash';
/**
 * The custom metric (custom.metrics.k8s.io, per pod) that request-rate autoscaling reads: the rate of
 * the workload's http_requests_total, as the prometheus-adapter rule in deploy/monitoring/ names it.
 */
export const RPS_METRIC = 'http_requests_per_second';
