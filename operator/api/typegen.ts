// Generates the TypeScript types of the API from schema.ts, twice: as a user writes the spec (fields
// with defaults optional) and as the API server stores it (`Defaulted*`: fields with defaults present).

import { type SchemaNode, specSchema, statusSchema } from './schema.ts';

type Variant = 'input' | 'defaulted';

export const TYPES_PATH = 'operator/api/types.gen.ts';

function typeOf(node: SchemaNode, variant: Variant, decls: Map<string, string>, indent: string): string {
  if (node.intOrString) return 'number | string';
  if (node.enum) return node.enum.map((v) => `'${v}'`).join(' | ');
  switch (node.type) {
    case 'string':
      return 'string';
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array': {
      if (!node.items) throw new Error('array without items');
      const item = typeOf(node.items, variant, decls, indent);
      return item.includes(' ') ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
      if (node.additionalProperties) {
        return `Record<string, ${typeOf(node.additionalProperties, variant, decls, indent)}>`;
      }
      return objectType(node, variant, decls, indent);
    default:
      return 'unknown';
  }
}

function objectType(node: SchemaNode, variant: Variant, decls: Map<string, string>, indent: string): string {
  const inner = node.tsName ? '  ' : `${indent}  `;
  const lines = Object.entries(node.properties ?? {}).map(([name, child]) => {
    const present = node.required?.includes(name) || (variant === 'defaulted' && child.default !== undefined);
    const doc = `${inner}/** ${child.description.replaceAll('*/', '* /')} */\n`;
    return `${doc}${inner}${name}${present ? '' : '?'}: ${typeOf(child, variant, decls, inner)};`;
  });
  const body = `{\n${lines.join('\n')}\n${node.tsName ? '' : indent}}`;
  if (!node.tsName) return body;
  const input = node.tsName;
  const name = variant === 'defaulted' ? `Defaulted${node.tsName}` : node.tsName;
  decls.set(name, `/** ${node.tsDoc ?? node.description} */\nexport interface ${name} ${body}\n`);
  // A defaulted interface identical to the input one is an alias, to keep the file readable.
  if (
    variant === 'defaulted' &&
    decls.get(input)?.replace(`interface ${input} `, '') ===
      decls.get(name)?.replace(`interface ${name} `, '')
  ) {
    decls.set(name, `export type ${name} = ${input};\n`);
  }
  return name;
}

/** The text of types.gen.ts. */
export function typesSource(): string {
  const decls = new Map<string, string>();
  typeOf(specSchema, 'input', decls, '');
  typeOf(specSchema, 'defaulted', decls, '');
  // The status has no defaults: the operator writes all of it.
  typeOf(statusSchema, 'input', decls, '');
  return (
    '// Generated from operator/api/schema.ts by `npm run generate`; do not edit by hand.\n\n' +
    [...decls.values()].join('\n')
  );
}
