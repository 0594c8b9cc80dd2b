import type { Feature, Rule, Scenario } from '@cucumber/messages';
import type { ScenarioLineage } from '../domain/feature-plan.js';

/**
 * Per line of a Scenario, or of an Examples row (the line its pickle and its Cucumber JSON element carry):
 * where it sits, its Rule, its Examples table and the row's number. Cucumber JSON has the rows' names and
 * lines, not which Examples table a row is in.
 */
export function lineagesOf(feature: Feature | undefined): Map<number, ScenarioLineage> {
  const lineages = new Map<number, ScenarioLineage>();
  const add = (scenario: Scenario, rule?: Rule) => {
    const names = [rule?.name ?? '', scenario.name].filter(Boolean);
    if (scenario.examples.length === 0) lineages.set(scenario.location.line, { names, template: scenario.name });
    scenario.examples.forEach((examples, table) => {
      examples.tableBody.forEach((row, index) => {
        lineages.set(row.location.line, {
          names: [...names, examples.name].filter(Boolean),
          example: `#${table + 1}.${index + 1}`,
          template: scenario.name,
        });
      });
    });
  };
  for (const child of feature?.children ?? []) {
    if (child.scenario) add(child.scenario);
    for (const ruleChild of child.rule?.children ?? []) if (ruleChild.scenario) add(ruleChild.scenario, child.rule);
  }
  return lineages;
}
