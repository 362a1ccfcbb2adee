// Applies the schema's defaults the way the API server does, so that render and the tests see what a
// cluster would store. The defaults themselves live only in schema.ts.

import { DEFAULT_REPLICAS, type SchemaNode, specSchema } from './schema.ts';
import type { DefaultedHelloService, HelloService } from './types.ts';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` with the defaults of `node` filled in, top down; a default object gets its own defaults
 * too. Values of the wrong type are left as they are for validation to report. Never mutates. */
export function applySchemaDefaults(node: SchemaNode, value: unknown): unknown {
  let out = value;
  if ((out === undefined || out === null) && node.default !== undefined) out = structuredClone(node.default);
  if (isPlainObject(out)) {
    const copy: Record<string, unknown> = { ...out };
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const next = applySchemaDefaults(child, copy[name]);
      if (next !== undefined) copy[name] = next;
    }
    const extra = node.additionalProperties;
    if (extra) for (const key of Object.keys(copy)) copy[key] = applySchemaDefaults(extra, copy[key]);
    return copy;
  }
  if (Array.isArray(out) && node.items) {
    const items = node.items;
    return out.map((item) => applySchemaDefaults(items, item));
  }
  return out;
}

/** The HelloService with its spec defaulted. Call it on a valid HelloService (see validate.ts). */
export function withDefaults(hs: HelloService): DefaultedHelloService {
  return { ...hs, spec: applySchemaDefaults(specSchema, hs.spec) as DefaultedHelloService['spec'] };
}

/** The replica count the Deployment asks for, or undefined when an autoscaler owns it. */
export function desiredReplicas(spec: DefaultedHelloService['spec']): number | undefined {
  if (spec.autoscaling) return undefined;
  return spec.replicas ?? DEFAULT_REPLICAS;
}
