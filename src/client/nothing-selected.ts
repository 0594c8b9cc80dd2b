import type { FeaturePlan } from '../domain/feature-plan.js';
import { BaleenError } from '../errors/baleen-error.js';
import type { RunRequest } from '../run-options/values.js';
import { plural } from '../util/text.js';
import { scenarioCount } from './select-features.js';

/** What the options selected, and what is left of it for this run. */
export interface Selection {
  /** How many features --files and --tags select for the whole pipeline (every shard). */
  selected: number;
  /** This run's features (this shard's part), each as the parser read it, with the scenarios --tags selects. */
  plans: readonly FeaturePlan[];
}

/**
 * Why a run selects no scenario to run (exit 2, the message naming the cause and the fix), or undefined when
 * it selects some. A feature that does not parse is something to report (it fails the run), so a run with one
 * is not empty. "Nothing ran" must never read as green: a typo in a CI tag expression, or a shard of a
 * pipeline that has more shards than features, would pass every time. --pass-with-no-tests lets it pass.
 */
export function nothingSelected(
  request: Pick<RunRequest, 'tags' | 'shard'>,
  selection: Selection,
): BaleenError | undefined {
  if (scenarioCount(selection.plans) > 0 || selection.plans.some((plan) => plan.kind === 'parse-error'))
    return undefined;
  const { shard, tags } = request;
  const optOut = 'or add --pass-with-no-tests if that is expected';
  if (shard && selection.plans.length === 0 && selection.selected > 0)
    return new BaleenError(
      'NOTHING_SELECTED',
      `shard ${shard.index}/${shard.total} has no feature to run (${plural(selection.selected, 'feature')} for ${shard.total} shards)`,
      { hint: `split into at most ${selection.selected} shards, ${optOut}` },
    );
  if (tags !== undefined)
    return new BaleenError('NOTHING_SELECTED', `no scenario matches --tags ${tags}, so nothing would run`, {
      hint: `check --tags and --files, ${optOut}`,
    });
  return new BaleenError(
    'NOTHING_SELECTED',
    `the ${plural(selection.plans.length, 'feature file')} hold no scenario, so nothing would run`,
    { hint: `check --files, ${optOut}` },
  );
}
