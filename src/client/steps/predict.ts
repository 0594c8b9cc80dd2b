import { availableParallelism } from 'node:os';
import type { Predictions } from '../../domain/job.js';
import { scenarioWork } from '../../dispatcher/first-attempts.js';
import type { RunRequest } from '../../run-options/values.js';
import type { TimingHistory } from '../../timings/timing-history.js';
import type { RunPlan } from './plan.js';

/**
 * Step 2: how long each piece of work should take, from the timing history, under the names the dispatcher
 * queues it by (a feature's path; with --split scenarios a scenario's `path:line`). The server orders the
 * run by these (in the order the spec names); the spec step replays that order for the expected wall time.
 */
export function predictRun(
  request: Pick<RunRequest, 'concurrency' | 'split'>,
  plan: Pick<RunPlan, 'runnable' | 'expectedScenarioLines'>,
  history: TimingHistory,
): Predictions {
  // The run will most likely go where the last one went (the history's CPU count), else to this host's engine.
  const assumed = { concurrency: request.concurrency, cpus: history.latestCpus() ?? availableParallelism() };
  return request.split === 'scenarios'
    ? history.splitPredictions(scenarioWork(plan.runnable, plan.expectedScenarioLines), assumed)
    : history.predictions(plan.runnable, assumed);
}
