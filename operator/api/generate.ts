// `npm run generate`: writes the CRD YAML and the API types from operator/api/schema.ts, and the
// operator's RBAC (operator/resources/rbac.ts) from the table of child kinds.

import { writeFileSync } from 'node:fs';
import { rbacFiles } from '../resources/rbac.ts';
import { CRD_PATH, crdYaml } from './crd.ts';
import { TYPES_PATH, typesSource } from './typegen.ts';

writeFileSync(CRD_PATH, crdYaml());
writeFileSync(TYPES_PATH, typesSource());
const rbac = rbacFiles();
for (const [path, content] of Object.entries(rbac)) writeFileSync(path, content);
console.log(`wrote ${[CRD_PATH, TYPES_PATH, ...Object.keys(rbac)].join(', ')}`);
