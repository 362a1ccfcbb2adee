// Checks a HelloService against the schema in schema.ts, as the API server would: the structural
// schema (types, bounds, patterns, unknown fields) and the CEL rules (through their TypeScript twins).
// Used by render, and by the tests to prove every example and fixture is a valid HelloService.

import { applySchemaDefaults } from './defaults.ts';
import { API_VERSION, DNS_SUBDOMAIN_PATTERN, KIND, type SchemaNode, specSchema } from './schema.ts';
import type { DefaultedHelloService } from './types.ts';

export interface FieldError {
  /** The field, like spec.autoscaling.minReplicas or spec.networkPolicy.from[0].ipBlock.cidr. */
  path: string;
  message: string;
}

export type Validation = { ok: true; value: DefaultedHelloService } | { ok: false; errors: FieldError[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const typeNames: Record<string, string> = {
  object: 'an object',
  string: 'a string',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'a list',
};

function hasType(node: SchemaNode, value: unknown): boolean {
  if (node.intOrString) return typeof value === 'string' || Number.isInteger(value);
  switch (node.type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

/** The errors of `value` (already defaulted) against `node`, each with its path. */
export function validateNode(node: SchemaNode, value: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const fail = (message: string, at = path) => errors.push({ path: at, message });
  if (!hasType(node, value)) {
    fail(`must be ${typeNames[node.type ?? ''] ?? 'an integer or a string'}, not ${describe(value)}`);
    return errors;
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (node.enum && !node.enum.includes(value))
      fail(`Unsupported value: "${value}": supported values: ${node.enum.map((v) => `"${v}"`).join(', ')}`);
    if (node.minLength !== undefined && length < node.minLength) {
      fail(node.minLength === 1 ? 'must not be empty' : `must be at least ${node.minLength} characters`);
    }
    if (node.maxLength !== undefined && length > node.maxLength) {
      fail(`must be at most ${node.maxLength} characters, not ${length}`);
    }
    if (node.pattern !== undefined && !new RegExp(node.pattern, 'u').test(value)) {
      fail(`should match '${node.pattern}'`);
    }
  }
  if (typeof value === 'number') {
    if (node.minimum !== undefined && value < node.minimum)
      fail(`should be greater than or equal to ${node.minimum}, not ${value}`);
    if (node.maximum !== undefined && value > node.maximum)
      fail(`should be less than or equal to ${node.maximum}, not ${value}`);
  }
  if (Array.isArray(value)) {
    if (node.minItems !== undefined && value.length < node.minItems) {
      fail(`must have at least ${node.minItems} items, not ${value.length}`);
    }
    if (node.maxItems !== undefined && value.length > node.maxItems) {
      fail(`must have at most ${node.maxItems} items, not ${value.length}`);
    }
    if (node.items) {
      const items = node.items;
      value.forEach((item, i) => {
        errors.push(...validateNode(items, item, `${path}[${i}]`));
      });
    }
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (node.maxProperties !== undefined && keys.length > node.maxProperties) {
      fail(`must have at most ${node.maxProperties} entries, not ${keys.length}`);
    }
    for (const name of node.required ?? []) {
      if (value[name] === undefined || value[name] === null) fail('Required value', `${path}.${name}`);
    }
    for (const key of keys) {
      const child = node.properties?.[key] ?? node.additionalProperties;
      if (value[key] === null || (value[key] === undefined && child)) continue;
      if (!child) fail('unknown field (misspelt, or from another version?)', `${path}.${key}`);
      else errors.push(...validateNode(child, value[key], `${path}.${key}`));
    }
  }
  // Like the API server, a rule is only evaluated on a value whose structure is valid.
  if (errors.length === 0) {
    for (const rule of node.rules ?? []) {
      if (!(rule.check as (self: unknown) => boolean)(value)) {
        const message = (rule.messageOf as ((self: unknown) => string) | undefined)?.(value) ?? rule.message;
        fail(message, path + (rule.fieldPath ?? ''));
      }
    }
  }
  return errors;
}

const NAME_RE = new RegExp(DNS_SUBDOMAIN_PATTERN);
const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Validates one parsed document as a HelloService; on success returns it with defaults applied. */
export function validateHelloService(doc: unknown): Validation {
  const errors: FieldError[] = [];
  if (!isObject(doc))
    return { ok: false, errors: [{ path: '', message: `must be an object, not ${describe(doc)}` }] };
  if (doc.apiVersion !== API_VERSION) {
    errors.push({
      path: 'apiVersion',
      message: `must be ${API_VERSION}, not ${JSON.stringify(doc.apiVersion)}`,
    });
  }
  if (doc.kind !== KIND)
    errors.push({ path: 'kind', message: `must be ${KIND}, not ${JSON.stringify(doc.kind)}` });
  const metadata = doc.metadata;
  if (!isObject(metadata)) {
    errors.push({ path: 'metadata', message: 'Required value (with a name)' });
  } else {
    const { name, namespace } = metadata;
    if (typeof name !== 'string' || name.length > 253 || !NAME_RE.test(name)) {
      errors.push({
        path: 'metadata.name',
        message: 'must be a lower-case DNS subdomain of at most 253 characters (a-z, 0-9, "-", ".")',
      });
    }
    if (namespace !== undefined && (typeof namespace !== 'string' || !NAMESPACE_RE.test(namespace))) {
      errors.push({
        path: 'metadata.namespace',
        message: 'must be a lower-case DNS label of at most 63 characters',
      });
    }
  }
  for (const key of Object.keys(doc)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(key)) {
      errors.push({ path: key, message: 'unknown field' });
    }
  }
  const spec = applySchemaDefaults(specSchema, doc.spec);
  if (spec === undefined || spec === null)
    errors.push({ path: 'spec', message: 'Required value (with a message)' });
  else errors.push(...validateNode(specSchema, spec, 'spec'));
  if (errors.length > 0) return { ok: false, errors };
  const { status: _status, ...rest } = doc;
  return { ok: true, value: { ...rest, spec } as unknown as DefaultedHelloService };
}

/** One line per error, like `spec.autoscaling.minReplicas: must be at least 1, not 0`. */
export function formatErrors(errors: FieldError[]): string {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('\n');
}
