import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FeaturePlan, ScenarioLineage } from '../../domain/feature-plan.js';
import { parseFeature } from '../../gherkin/parse-feature.js';
import type { OutlineRows } from './testcase-names.js';

/** A feature file bigger than this is not read again for names (it ran, so it exists; it is just not parsed twice). */
const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

/** The lineage of every scenario and Examples row, per file, as the run's plans carry it from the parse at its start. */
export function lineagesOfPlans(plans: readonly FeaturePlan[]): OutlineRows {
  return new Map(
    plans.flatMap((plan) => (plan.kind === 'parsed' ? [[plan.file, lineagesOfPlan(plan.scenarios)] as const] : [])),
  );
}

const lineagesOfPlan = (scenarios: readonly { line: number; lineage?: ScenarioLineage }[]) =>
  new Map(scenarios.flatMap((scenario) => (scenario.lineage ? [[scenario.line, scenario.lineage] as const] : [])));

/**
 * Without the run's plans (`baleen merge`, a server storing a run): the lineages read from the files as they
 * are now, by the same parser. A file that cannot be read or parsed now (moved, a report merged elsewhere) is
 * left out: its testcases keep their plain names.
 */
export async function readLineages(files: readonly string[], cwd: string): Promise<OutlineRows> {
  const plans = await Promise.all(
    files.map(async (file) => {
      try {
        const path = resolve(cwd, file);
        if ((await stat(path)).size > MAX_SOURCE_BYTES) return [];
        return [parseFeature(file, await readFile(path, 'utf8'))];
      } catch {
        return [];
      }
    }),
  );
  return lineagesOfPlans(plans.flat());
}
