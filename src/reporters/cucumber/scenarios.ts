import type { CucumberJson, FeatureResult } from '../../domain/feature-run.js';

/**
 * A read of the Cucumber JSON format (the `json` formatter of cucumber-js) for what reports need: the
 * scenarios of each feature, their status, duration and first error. Backgrounds are folded into the
 * scenarios they precede, as Cucumber itself counts them.
 */
export type ScenarioStatus = 'passed' | 'failed' | 'skipped';

export interface ScenarioRecord {
  feature: string;
  name: string;
  line?: number;
  status: ScenarioStatus;
  /** Seconds, summed over the scenario's steps and hooks. */
  durationSeconds: number;
  /** The failing (or undefined, pending, ambiguous) step and its message. */
  failure?: { step: string; message: string };
}

interface JsonStep {
  keyword?: string;
  name?: string;
  hidden?: boolean;
  result?: { status?: string; duration?: number; error_message?: string };
}
interface JsonElement {
  name?: string;
  line?: number;
  type?: string;
  steps?: JsonStep[];
}

// Statuses that make cucumber-js (strict by default) fail a scenario.
const FAILING = new Set(['failed', 'undefined', 'pending', 'ambiguous']);

export function scenariosOf(report: CucumberJson): ScenarioRecord[] {
  const scenarios: ScenarioRecord[] = [];
  for (const feature of report) {
    const featureName = String(feature.name ?? feature.uri ?? 'feature');
    for (const element of (feature.elements ?? []) as JsonElement[]) {
      if (element.type === 'background') continue;
      scenarios.push(scenarioOf(featureName, element));
    }
  }
  return scenarios;
}

function scenarioOf(feature: string, element: JsonElement): ScenarioRecord {
  const steps = element.steps ?? [];
  // cucumber-js reports step durations in nanoseconds.
  const durationSeconds = steps.reduce((sum, step) => sum + (step.result?.duration ?? 0), 0) / 1e9;
  const failing = steps.find((step) => FAILING.has(step.result?.status ?? ''));
  const allSkipped = steps.length > 0 && steps.filter((s) => !s.hidden).every((step) => step.result?.status === 'skipped');
  const record: ScenarioRecord = {
    feature,
    name: element.name || '(unnamed scenario)',
    status: failing ? 'failed' : allSkipped ? 'skipped' : 'passed',
    durationSeconds,
  };
  if (element.line !== undefined) record.line = element.line;
  if (failing) {
    const status = failing.result?.status ?? 'failed';
    record.failure = {
      step: `${(failing.keyword ?? '').trim()} ${failing.name ?? ''}`.trim() || 'hook',
      message: failing.result?.error_message ?? (status === 'failed' ? 'failed' : `step is ${status}`),
    };
  }
  return record;
}

/** All features' reports as one Cucumber JSON array, in the run's feature order. */
export function mergeCucumberJson(results: readonly FeatureResult[]): CucumberJson {
  return results.flatMap((result) => result.cucumberJson ?? []);
}

export interface ScenarioTotals {
  passed: number;
  failed: number;
  skipped: number;
}

export function countScenarios(results: readonly FeatureResult[]): ScenarioTotals {
  const totals: ScenarioTotals = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) {
    for (const scenario of scenariosOf(result.cucumberJson ?? [])) totals[scenario.status]++;
  }
  return totals;
}
