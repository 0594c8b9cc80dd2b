import type { ParsedFeature, PlannedScenario } from '../domain/feature-plan.js';

/** A feature with only the scenarios some lines select, and the lines that selected none. */
export interface LineSelection {
  /** Undefined when no line selected a scenario. */
  plan?: ParsedFeature;
  unmatched: number[];
}

/** Whether `cucumber-js FILE:LINE` runs this scenario: its own line, or its Scenario Outline's (every row). */
const selects = (scenario: PlannedScenario, line: number) => scenario.line === line || scenario.outlineLine === line;

/** The scenarios (and Scenario Outline rows) these lines select, as cucumber-js selects them. */
export function selectLines(plan: ParsedFeature, lines: readonly number[]): LineSelection {
  const scenarios = plan.scenarios.filter((scenario) => lines.some((line) => selects(scenario, line)));
  const unmatched = lines.filter((line) => !plan.scenarios.some((scenario) => selects(scenario, line)));
  return { ...(scenarios.length === 0 ? {} : { plan: { ...plan, scenarios } }), unmatched };
}

/** Where a scenario starts: its own line, or its outline's for a row. */
const startOf = (scenario: PlannedScenario) => scenario.outlineLine ?? scenario.line;

/**
 * What to say of a line that starts no scenario: the scenario it falls in (the last that starts before it,
 * else the first), and where the feature's scenarios start (an outline's rows apart).
 */
export function nearestScenario(plan: ParsedFeature, line: number): { suggestion?: string; starts: string } {
  const starts = [...new Set(plan.scenarios.map(startOf))];
  const rows = plan.scenarios.flatMap((scenario) => (scenario.outlineLine === undefined ? [] : [scenario.line]));
  const within = plan.scenarios.filter((scenario) => startOf(scenario) <= line).at(-1) ?? plan.scenarios[0];
  const name = within && (within.outlineLine === undefined ? within.name : (within.lineage?.template ?? within.name));
  return {
    ...(within ? { suggestion: `${plan.file}:${startOf(within)} (${JSON.stringify(name)})` } : {}),
    starts:
      starts.length === 0
        ? 'it has no scenario'
        : `${starts.length === 1 ? 'its scenario starts at line' : 'its scenarios start at lines'} ${starts.join(', ')}${rows.length === 0 ? '' : ` (Examples rows at ${rows.join(', ')})`}`,
  };
}
