// `npm run generate`: writes the CRD YAML and the API types from operator/api/schema.ts.

import { writeFileSync } from 'node:fs';
import { CRD_PATH, crdYaml } from './crd.ts';
import { TYPES_PATH, typesSource } from './typegen.ts';

writeFileSync(CRD_PATH, crdYaml());
writeFileSync(TYPES_PATH, typesSource());
console.log(`wrote ${CRD_PATH} and ${TYPES_PATH}`);
