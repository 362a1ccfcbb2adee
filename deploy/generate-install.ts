// `npm run generate:install`: writes deploy/install.yaml and the Helm chart's CRD from their source.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/cluster/paths.ts';
import {
  CHART_CRD_PATH,
  CHART_RULE_SPEC_PATH,
  chartCrd,
  chartPrometheusRuleSpec,
  chartRbacRules,
  INSTALL_PATH,
  installYaml,
  RBAC_RULE_FILES,
} from './install.ts';

writeFileSync(join(repoRoot, INSTALL_PATH), installYaml());
writeFileSync(join(repoRoot, CHART_CRD_PATH), chartCrd());
console.log(`wrote ${INSTALL_PATH} and ${CHART_CRD_PATH}`);
for (const [source, copy] of Object.entries(RBAC_RULE_FILES)) {
  writeFileSync(join(repoRoot, copy), chartRbacRules(source as keyof typeof RBAC_RULE_FILES));
  console.log(`wrote ${copy}`);
}
writeFileSync(join(repoRoot, CHART_RULE_SPEC_PATH), chartPrometheusRuleSpec());
console.log(`wrote ${CHART_RULE_SPEC_PATH}`);
