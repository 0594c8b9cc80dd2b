import type { FeaturePlan, ParsedFeature } from '../domain/feature-plan.js';
import { BaleenError } from '../errors/baleen-error.js';
import { resolveFileSelection } from '../config/file-selection.js';
import { nearestScenario, selectLines } from '../gherkin/line-selection.js';
import { planFeatures } from '../gherkin/plan-features.js';
import { selectScenarios, tagFilter, type TagFilter } from '../gherkin/tag-filter.js';
import type { RunRequest } from '../run-options/values.js';
import { lastFailed, type RerunOptions } from './last-failed.js';

/** The features a run (or every shard of a pipeline) is made of. */
export interface FeatureSelection {
  /** How many feature files --files found. */
  found: number;
  /**
   * The features that are part of the run, in --files order, as Cucumber's own parser read them: each with
   * the scenarios --files' lines and --tags select (a feature with none is left out: it starts no container),
   * and each file that does not parse (a failed feature, found without a container).
   */
  plans: FeaturePlan[];
  /**
   * Features run in part by line (`--files path:LINE`): the runner is handed each with the lines of the
   * scenarios its plan keeps. A scenario job (--split scenarios) has its own line instead.
   */
  byLine: ReadonlySet<string>;
  /** With --last-failed: what it made of the last run, and whether that leaves nothing to run at all. */
  rerun?: { said: string; nothing: boolean };
}

type SelectOptions = Pick<RunRequest, 'files' | 'tags' | 'command'> & RerunOptions;

/**
 * What --files (with `path:LINE`), --last-failed and --tags select, read on the client before any container
 * starts: what each feature must run, for the judge on the server. A sharded pipeline splits exactly this, so
 * `baleen plan` and every shard call it with the same options.
 */
export async function selectFeatures(
  request: SelectOptions,
  io: { cwd: string; err: NodeJS.WritableStream; signal?: AbortSignal },
): Promise<FeatureSelection> {
  const warn = (message: string) => io.err.write(`baleen: ${message}\n`);
  const named = await resolveFileSelection(request.files, io.cwd, {
    ...(io.signal ? { signal: io.signal } : {}),
    onProgress: warn,
  });
  const rerun = await lastFailed(request, named.features, io.cwd);
  const found = named.features.length;
  if (rerun.kind === 'nothing')
    return { found, plans: [], byLine: new Set(), rerun: { said: rerun.said, nothing: true } };
  const files = rerun.kind === 'some' ? rerun.features : named.features;
  const filter = tagFilterOf(request);
  const plans = (await planFeatures(files, io.cwd)).flatMap((plan): FeaturePlan[] => {
    if (plan.kind !== 'parsed') return [plan];
    const byLine = selectedPlan(
      plan,
      named.lines[plan.file],
      rerun.kind === 'some' ? rerun.lines[plan.file] : undefined,
      warn,
    );
    const kept = filter ? selectScenarios(byLine, filter) : byLine;
    return kept ? [kept] : [];
  });
  return {
    found,
    plans,
    byLine: new Set(Object.keys(named.lines)),
    ...(rerun.kind === 'some' ? { rerun: { said: rerun.said, nothing: false } } : {}),
  };
}

/**
 * A parsed feature with only the scenarios some lines select. A line `--files` gave that starts no scenario
 * is refused, naming the scenario it falls in; a rerun file's line the feature no longer has reruns it whole.
 */
function selectedPlan(
  plan: ParsedFeature,
  given: readonly number[] | undefined,
  rerun: readonly number[] | undefined,
  warn: (line: string) => void,
): ParsedFeature {
  if (given) {
    const { plan: selected, unmatched } = selectLines(plan, given);
    if (unmatched.length === 0) return selected!;
    const line = unmatched[0]!;
    const near = nearestScenario(plan, line);
    throw new BaleenError('USAGE', `--files ${plan.file}:${line}: no scenario starts at line ${line} of ${plan.file}`, {
      hint: `${near.suggestion ? `did you mean ${near.suggestion}? ` : ''}${near.starts}`,
    });
  }
  if (!rerun) return plan;
  const { plan: selected, unmatched } = selectLines(plan, rerun);
  if (unmatched.length === 0) return selected!;
  warn(
    `${plan.file} has no scenario at line ${unmatched.join(', ')} any more (changed since the last run): running all of it`,
  );
  return plan;
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
