import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateMessages } from '@cucumber/gherkin';
import { IdGenerator, type Rule, type Scenario } from '@cucumber/messages';
import { mediaTypeOf } from '../../gherkin/media-type.js';
import type { OutlineRows, ScenarioLineage } from './testcase-names.js';

/** A feature file bigger than this is not read again for names (it ran, so it exists; it is just not parsed twice). */
const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

/**
 * The lineage of every scenario and Examples row of the run's feature files, read from the files themselves
 * (Cucumber JSON has the rows' names and lines, not which Examples table a row is in). A file that cannot be
 * read or parsed now (moved, a report merged elsewhere) is left out: its testcases keep their plain names.
 */
export async function readLineages(files: readonly string[], cwd: string): Promise<OutlineRows> {
  const entries = await Promise.all(
    files.map(async (file) => {
      try {
        const path = resolve(cwd, file);
        if ((await stat(path)).size > MAX_SOURCE_BYTES) return undefined;
        return [file, lineagesOf(file, await readFile(path, 'utf8'))] as const;
      } catch {
        return undefined;
      }
    }),
  );
  return new Map(entries.filter((entry) => entry !== undefined));
}

/** Per line of a Scenario, or of an Examples row: where it sits (its Rule, its Examples table, the row's number). */
export function lineagesOf(file: string, source: string): Map<number, ScenarioLineage> {
  const envelopes = generateMessages(source, file, mediaTypeOf(file), {
    includeSource: false,
    includeGherkinDocument: true,
    includePickles: false,
    newId: IdGenerator.incrementing(),
  });
  const feature = envelopes.find((envelope) => envelope.gherkinDocument)?.gherkinDocument?.feature;
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
