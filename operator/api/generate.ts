// `npm run generate`: writes the CRD YAML and the API types from operator/api/schema.ts, and the
// operator's ClusterRole from the table of child kinds.

import { writeFileSync } from 'node:fs';
import { MANAGER_ROLE_PATH, managerRoleYaml } from '../resources/rbac.ts';
import { CRD_PATH, crdYaml } from './crd.ts';
import { TYPES_PATH, typesSource } from './typegen.ts';

writeFileSync(CRD_PATH, crdYaml());
writeFileSync(TYPES_PATH, typesSource());
writeFileSync(MANAGER_ROLE_PATH, managerRoleYaml());
console.log(`wrote ${CRD_PATH}, ${TYPES_PATH} and ${MANAGER_ROLE_PATH}`);
