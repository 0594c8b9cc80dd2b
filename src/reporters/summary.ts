import type { FeatureStatus } from '../domain/feature-run.js';
import type { RunOutcome } from '../domain/run-outcome.js';
import { countScenarios, type ScenarioTotals } from './cucumber/scenarios.js';

export interface FeatureSummary {
  file: string;
  status: FeatureStatus | 'unfinished';
  exitCode: number | null;
  durationMs: number;
  error?: string;
}

export interface RunSummary {
  runId: string;
  status: RunOutcome['status'];
  image: string;
  startedAt: string;
  durationMs: number;
  features: FeatureSummary[];
  totals: {
    features: number;
    passed: number;
    failed: number;
    errors: number;
    cancelled: number;
    unfinished: number;
    scenarios: ScenarioTotals;
  };
}

/** The machine-readable digest of a run: what summary.json holds and what the console summary prints. */
export function summarize(outcome: RunOutcome): RunSummary {
  const features: FeatureSummary[] = outcome.results.map((result) => ({
    file: result.file,
    status: result.status,
    exitCode: result.exitCode,
    durationMs: result.durationMs,
    ...(result.error === undefined ? {} : { error: result.error }),
  }));
  for (const file of outcome.unfinished) features.push({ file, status: 'unfinished', exitCode: null, durationMs: 0 });
  const count = (status: FeatureSummary['status']) => features.filter((f) => f.status === status).length;
  return {
    runId: outcome.info.runId,
    status: outcome.status,
    image: outcome.info.image,
    startedAt: outcome.info.startedAt.toISOString(),
    durationMs: outcome.durationMs,
    features,
    totals: {
      features: features.length,
      passed: count('passed'),
      failed: count('failed'),
      errors: count('error'),
      cancelled: count('cancelled'),
      unfinished: count('unfinished'),
      scenarios: countScenarios(outcome.results),
    },
  };
}
