import type { ScenarioRecord } from '../../cucumber-json/scenarios.js';
import type { ScenarioLineage } from '../../domain/feature-plan.js';

/** Per feature file, per line of a scenario or Examples row: its lineage (from the run's plans, or read from the file by the JUnit reporter). */
export type OutlineRows = ReadonlyMap<string, ReadonlyMap<number, ScenarioLineage>>;

/**
 * Testcase names that tell every scenario of a feature apart. Where the feature file could be read, a name is
 * Cucumber's (cucumber/junit-xml-formatter: long lineage without the feature, the example's number and its
 * name when the placeholders changed it), e.g. "Eating - These fail - #2.1" or "Eating <n> - #1.1: Eating 5".
 * Otherwise (a report merged without its sources, a Markdown feature) a name that repeats gets its line.
 */
export function testcaseNames(
  scenarios: readonly ScenarioRecord[],
  lineages?: ReadonlyMap<number, ScenarioLineage>,
): string[] {
  const named = scenarios.map((scenario) => {
    const lineage = scenario.line === undefined || scenario.featureRun ? undefined : lineages?.get(scenario.line);
    if (!lineage) return scenario.name;
    const long = [...lineage.names, ...(lineage.example ? [lineage.example] : [])].join(' - ') || scenario.name;
    return lineage.example && scenario.name !== lineage.template ? `${long}: ${scenario.name}` : long;
  });
  const seen = new Map<string, number>();
  for (const name of named) seen.set(name, (seen.get(name) ?? 0) + 1);
  return named.map((name, index) => {
    const line = scenarios[index]?.line;
    return (seen.get(name) ?? 0) > 1 && line !== undefined ? `${name} (line ${line})` : name;
  });
}
