import type { Predictions } from '../../domain/job.js';
import { commandWritesReport, DEFAULT_COMMAND, RunSpecSchema, type RunSpec } from '../../domain/run-spec.js';
import type { RunInfo } from '../../domain/run-outcome.js';
import { expectedWallTime } from '../../dispatcher/expected-wall-time.js';
import { scenarioJobCounts } from '../../dispatcher/first-attempts.js';
import { BaleenError } from '../../errors/baleen-error.js';
import { issueLine, zodInWords } from '../../errors/zod-in-words.js';
import { specFieldsOf } from '../../run-options/derive-spec.js';
import type { RunRequest } from '../../run-options/values.js';
import type { RunPlan } from './plan.js';

/** What the reports record of a run beyond the server's own account of it. */
export type ClientRunInfo = Partial<Pick<RunInfo, 'expectedMs' | 'shard' | 'judgedByExitCodeAlone' | 'scenarioJobs'>>;

/**
 * Step 3: the run spec the server gets (checked by the very schema the server checks it with), or undefined
 * when no feature is left for a container.
 */
export function specOfRun(request: RunRequest, plan: RunPlan, predictions: Predictions): RunSpec | undefined {
  if (plan.runnable.length === 0) return undefined;
  const parsed = RunSpecSchema.safeParse(
    {
      ...specFieldsOf(request),
      features: plan.runnable,
      expectedScenarioLines: plan.expectedScenarioLines,
      selectedLines: plan.selectedLines,
      localHashes: plan.localHashes,
      predictions,
    },
    { error: zodInWords },
  );
  if (!parsed.success) {
    throw new BaleenError('USAGE', `invalid run: ${issueLine(parsed.error.issues[0]!)}`, {
      hint: 'see baleen cucumber --help',
    });
  }
  return parsed.data;
}

/**
 * The client's part of the run's record: the wall time it should take (the dispatcher's own first attempts,
 * from this very spec, replayed on its rules and in the order the spec names), the shard and its plan, and
 * how the features are judged.
 */
export function clientRunInfo(request: RunRequest, plan: RunPlan, spec: RunSpec | undefined): ClientRunInfo {
  const expectedMs = spec === undefined ? undefined : expectedWallTime(spec);
  // A warm worker writes each feature's report whatever its command says.
  const judgedByExitCodeAlone =
    request.isolation !== 'worker' && !commandWritesReport(request.command ?? DEFAULT_COMMAND);
  return {
    ...(expectedMs === undefined ? {} : { expectedMs }),
    ...(plan.shard ? { shard: plan.shard.record } : {}),
    ...(judgedByExitCodeAlone ? { judgedByExitCodeAlone } : {}),
    ...(request.split === 'scenarios'
      ? { scenarioJobs: scenarioJobCounts(plan.runnable, plan.expectedScenarioLines) }
      : {}),
  };
}
