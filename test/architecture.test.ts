import { t } from './helpers/suite.js';
import { createRequire } from 'node:module';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);

t.test('src/ keeps its layers: no import cycle, no forbidden import (docs/architecture.md)', async (t) => {
  const rules = require('../.dependency-cruiser.cjs');
  const result = await cruise(['src'], { validate: true, ruleSet: rules, ...rules.options });
  const output = result.output as ICruiseResult;
  // A resolver that found nothing would find nothing forbidden either.
  t.ok(output.summary.totalCruised > 150, `every module was read (${output.summary.totalCruised})`);
  t.ok((output.summary.totalDependenciesCruised ?? 0) > 500, `their imports were resolved (${output.summary.totalDependenciesCruised})`);
  const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (cycle ${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);
  t.same(violations, [], 'no violations');
});
