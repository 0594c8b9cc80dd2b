import parseTagExpression from '@cucumber/tag-expressions';
import type { ParsedFeature } from '../domain/feature-plan.js';
import { BaleenError, messageOf } from '../errors/baleen-error.js';

/** Whether a scenario with these tags (each with its `@`) is selected. */
export type TagFilter = (tags: readonly string[]) => boolean;

/** A Cucumber tag expression (`@smoke and not @slow`), read by Cucumber's own parser; a usage error if it is none. */
export function tagFilter(expression: string): TagFilter {
  try {
    const node = parseTagExpression(expression);
    return (tags) => node.evaluate([...tags]);
  } catch (problem) {
    throw new BaleenError(
      'USAGE',
      `--tags ${JSON.stringify(expression)} is not a Cucumber tag expression (${messageOf(problem)})`,
      {
        hint: 'write tags with @, joined by and, or, not and parentheses, e.g. --tags "@smoke and not @slow"',
      },
    );
  }
}

/**
 * The feature with only the scenarios (and Scenario Outline rows) the filter selects, or undefined when it
 * selects none: such a feature starts no container.
 */
export function selectScenarios(plan: ParsedFeature, filter: TagFilter): ParsedFeature | undefined {
  const scenarios = plan.scenarios.filter((scenario) => filter(scenario.tags));
  return scenarios.length === 0 ? undefined : { ...plan, scenarios };
}
