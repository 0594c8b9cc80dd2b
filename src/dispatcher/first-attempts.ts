import { packBatches } from '../batch/pack-batches.js';
import type { RunSpec } from '../domain/run-spec.js';
import { workName, type JobWork } from '../domain/job.js';
import { ORDER_STRATEGIES } from './order-strategy.js';

/**
 * With --split scenarios, what a run's containers run: one job per scenario line the client's parser expects
 * of each feature (every Scenario and Examples row, or those --tags selects), in file order. A feature whose
 * lines are unknown (a client that sent none) or that has none runs whole, as without the split.
 */
export function scenarioWork(
  features: readonly string[],
  expectedLines: Readonly<Record<string, readonly number[]>>,
): JobWork[] {
  return features.flatMap((file): JobWork[] => {
    const lines = expectedLines[file];
    return lines === undefined || lines.length === 0
      ? [{ files: [file] }]
      : lines.map((line) => ({ files: [file], line }));
  });
}

/** How many jobs scenarioWork makes of each feature: its lines, or one for a feature that runs whole. */
export function scenarioJobCounts(
  features: readonly string[],
  expectedLines: Readonly<Record<string, readonly number[]>>,
): Record<string, number> {
  return Object.fromEntries(features.map((file) => [file, Math.max(1, expectedLines[file]?.length ?? 0)]));
}

/** What decides a run's first attempts: the fields of its spec that firstAttempts reads. */
export type AttemptPlan = Pick<
  RunSpec,
  'features' | 'predictions' | 'concurrency' | 'batch' | 'split' | 'expectedScenarioLines' | 'order'
>;

/**
 * A run's first attempts in the order they are handed out: the run's strategy (`spec.order`) orders the work by its name (a
 * feature's path, a scenario's `path:line`) and the predictions under those names; --batch then packs
 * features into batches (see batch/pack-batches.ts). The dispatcher queues these, and the client's expected
 * wall time replays them (expected-wall-time.ts): one list, so the prediction cannot drift from the queue.
 */
export function firstAttempts(spec: AttemptPlan): JobWork[] {
  const strategy = ORDER_STRATEGIES[spec.order];
  if (spec.split === 'scenarios') {
    const work = scenarioWork(spec.features, spec.expectedScenarioLines);
    const byName = new Map(work.map((item) => [workName(item), item]));
    return strategy([...byName.keys()], spec.predictions).map((name) => byName.get(name)!);
  }
  return packBatches(strategy(spec.features, spec.predictions), spec.predictions, spec.batch, spec.concurrency).map(
    (files) => ({ files }),
  );
}
