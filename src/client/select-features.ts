import type { FeaturePlan } from '../domain/feature-plan.js';
import { BaleenError } from '../errors/baleen-error.js';
import { resolveFeatures } from '../config/resolve-features.js';
import { planFeatures } from '../gherkin/plan-features.js';
import { selectScenarios, tagFilter, type TagFilter } from '../gherkin/tag-filter.js';
import type { RunRequest } from '../run-options/values.js';

/** The features a run (or every shard of a pipeline) is made of. */
export interface FeatureSelection {
  /** How many feature files --files found. */
  found: number;
  /**
   * The features that are part of the run, in --files order, as Cucumber's own parser read them: each with
   * the scenarios --tags selects (a feature with none is left out: it starts no container), and each file
   * that does not parse (a failed feature, found without a container).
   */
  plans: FeaturePlan[];
}

/**
 * What --files and --tags select, read on the client before any container starts: what each feature must
 * run, for the judge on the server. A sharded pipeline splits exactly this, so `baleen plan` and every shard
 * call it with the same options.
 */
export async function selectFeatures(
  request: Pick<RunRequest, 'files' | 'tags' | 'command'>,
  io: { cwd: string; err: NodeJS.WritableStream; signal?: AbortSignal },
): Promise<FeatureSelection> {
  const files = await resolveFeatures(request.files, io.cwd, {
    ...(io.signal ? { signal: io.signal } : {}),
    onProgress: (message) => io.err.write(`baleen: ${message}\n`),
  });
  const filter = tagFilterOf(request);
  const plans = (await planFeatures(files, io.cwd)).flatMap((plan) =>
    plan.kind === 'parsed' && filter ? (selectScenarios(plan, filter) ?? []) : [plan],
  );
  return { found: files.length, plans };
}

/** The --tags filter, once the command is known to hand the expression on to the runner. */
function tagFilterOf(request: Pick<RunRequest, 'tags' | 'command'>): TagFilter | undefined {
  if (request.tags === undefined) return undefined;
  const filter = tagFilter(request.tags);
  if (request.command !== undefined && !request.command.includes('{tags}')) {
    throw new BaleenError('USAGE', '--tags needs {tags} in --command: it is where the runner gets the expression', {
      hint: 'add {tags} after {file}, e.g. --command "cucumber-js {file}{tags} --format json:{report}"',
    });
  }
  return filter;
}

/** How many scenarios (Outline rows one each) the features hold. */
export function scenarioCount(plans: readonly FeaturePlan[]): number {
  return plans.reduce((sum, plan) => sum + (plan.kind === 'parsed' ? plan.scenarios.length : 0), 0);
}
