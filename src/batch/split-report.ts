import { posix } from 'node:path';
import type { CucumberFeature, CucumberJson } from '../domain/cucumber-json.js';

/** One feature's part of a batch's report. */
export interface FeatureShare {
  file: string;
  /** Its entries of the batch's Cucumber JSON (usually one); undefined when the batch reported none for it. */
  report: CucumberFeature[] | undefined;
  /** Its share of the batch's wall time: its own steps' time and an equal part of the rest (see below). */
  durationMs: number;
}

/**
 * A batch runs several feature files in one cucumber-js invocation and writes one report; every report of
 * baleen's has one entry per feature with its own status, scenarios and duration. So the batch's report is
 * split back by each feature's `uri`, which cucumber-js writes relative to its working directory, as the
 * path baleen handed it (`./features/a.feature` and `features/a.feature` are the same file). A feature the
 * report does not name did not finish (the batch crashed or was stopped before it) or had no scenario to run:
 * the caller tells which from the batch's exit.
 *
 * The batch's wall time is shared out so that the shares add up to it: each reported feature gets its own
 * steps' time, and an equal part of the rest (the container's and the runner's start-up, the support code's
 * load), which the batch paid once for all of them. Shares in proportion to the steps alone would load the
 * start-up onto the features with the longest steps: packed with others next time (the history predicts
 * from these shares), they would be predicted far longer than they take. When the steps' times add up to
 * more than the wall time (clocks disagree), they are scaled down to fit.
 */
export function splitBatchReport(files: readonly string[], report: CucumberJson, batchMs: number): FeatureShare[] {
  const byUri = new Map<string, CucumberFeature[]>();
  for (const feature of report) {
    if (feature.uri === undefined) continue;
    const key = sameFile(feature.uri);
    byUri.set(key, [...(byUri.get(key) ?? []), feature]);
  }
  const parts = files.map((file) => ({ file, report: byUri.get(sameFile(file)) }));
  const stepsMs = parts.map(({ report: entries }) => (entries ? stepNanos(entries) / NANOS_PER_MS : 0));
  const totalSteps = stepsMs.reduce((sum, ms) => sum + ms, 0);
  const reported = parts.filter((part) => part.report).length;
  const scale = totalSteps > batchMs ? batchMs / totalSteps : 1;
  const rest = batchMs - totalSteps * scale;
  return parts.map((part, index) => ({
    ...part,
    durationMs: part.report ? stepsMs[index]! * scale + rest / reported : 0,
  }));
}

const NANOS_PER_MS = 1e6;

/** The path as a key: `./a/../b.feature`, `b.feature` and `b.feature` alike. */
export function sameFile(path: string): string {
  return posix.normalize(path.replaceAll('\\', '/'));
}

/** cucumber-js writes step durations in nanoseconds. */
function stepNanos(features: CucumberFeature[]): number {
  let sum = 0;
  for (const feature of features) {
    for (const element of feature.elements ?? []) {
      for (const step of [...(element.before ?? []), ...(element.steps ?? []), ...(element.after ?? [])])
        sum += step.result?.duration ?? 0;
    }
  }
  return sum;
}
