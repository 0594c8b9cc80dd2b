import type { FeaturePlan } from '../domain/feature-plan.js';
import { BaleenError } from '../errors/baleen-error.js';
import type { RunRequest } from '../run-options/values.js';

/** What was asked and what it left, to say why a run selects nothing. */
export interface Selection {
  /** How many feature files --files found, before any shard took its part. */
  found: number;
  /** The features of this run (this shard's), each as the parser read it, before --tags. */
  plans: readonly FeaturePlan[];
  /** How many scenarios (Outline rows counted one each) are left to run after --tags. */
  scenarios: number;
}

/**
 * Why a run selects no scenario to run, or undefined when it selects some. A feature that does not parse is
 * something to report (it fails the run), so a run with one is not empty. "Nothing ran" must never read as
 * green: a typo in a CI tag expression, or a shard of a pipeline that has more shards than features, would
 * pass every time.
 */
export function nothingSelected(request: Pick<RunRequest, 'tags' | 'shard'>, selection: Selection): string | undefined {
  if (selection.scenarios > 0 || selection.plans.some((plan) => plan.kind === 'parse-error')) return undefined;
  const { shard, tags } = request;
  if (shard && selection.plans.length === 0)
    return `shard ${shard.index}/${shard.total} has no feature to run (${plural(selection.found, 'feature')} for ${shard.total} shards)`;
  if (tags !== undefined) return `no scenario matches --tags ${tags}`;
  return `the ${plural(selection.plans.length, 'feature file')} hold no scenario`;
}

/** The one-line error of a run that selects nothing (exit 2), naming the fix and the opt-out. */
export function nothingSelectedError(problem: string, request: Pick<RunRequest, 'shard'>): BaleenError {
  const fix = request.shard
    ? `run fewer shards (--shard i/N with N at most the feature count), or add --pass-with-no-tests if an empty shard is expected`
    : 'check --tags and --files, or add --pass-with-no-tests if an empty run is expected';
  return new BaleenError('NOTHING_SELECTED', `${problem}, so nothing would run`, { hint: fix });
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
