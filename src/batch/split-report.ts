import { posix } from 'node:path';
import type { CucumberFeature, CucumberJson } from '../cucumber-json/schema.js';

/** One feature's part of a batch's report. */
export interface FeatureShare {
  file: string;
  /** Its entries of the batch's Cucumber JSON (usually one); undefined when the batch reported none for it. */
  report: CucumberFeature[] | undefined;
  /** Its share of the batch's wall time, in proportion to its steps' durations. */
  durationMs: number;
}

/**
 * A batch runs several feature files in one cucumber-js invocation and writes one report; every report of
 * baleen's has one entry per feature with its own status, scenarios and duration. So the batch's report is
 * split back by each feature's `uri`, which cucumber-js writes relative to its working directory, as the
 * path baleen handed it (`./features/a.feature` and `features/a.feature` are the same file). A feature the
 * report does not name did not finish (the batch crashed or was stopped before it) or had no scenario to run:
 * the caller tells which from the batch's exit. The batch's wall time is shared out in proportion to the
 * features' step durations, so that the shares add up to it (equal shares when no step took any time).
 */
export function splitBatchReport(files: readonly string[], report: CucumberJson, batchMs: number): FeatureShare[] {
  const byUri = new Map<string, CucumberFeature[]>();
  for (const feature of report) {
    if (feature.uri === undefined) continue;
    const key = sameFile(feature.uri);
    byUri.set(key, [...(byUri.get(key) ?? []), feature]);
  }
  const parts = files.map((file) => ({ file, report: byUri.get(sameFile(file)) }));
  const weights = parts.map(({ report: entries }) => (entries ? stepNanos(entries) : 0));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const reported = parts.filter((part) => part.report).length;
  return parts.map((part, index) => ({
    ...part,
    durationMs: !part.report ? 0 : total > 0 ? (batchMs * weights[index]!) / total : batchMs / reported,
  }));
}

/** The path as a key: `./a/../b.feature`, `b.feature` and `b.feature` alike. */
export function sameFile(path: string): string {
  return posix.normalize(path.replaceAll('\\', '/'));
}

/** cucumber-js writes step durations in nanoseconds. */
function stepNanos(features: CucumberFeature[]): number {
  let sum = 0;
  for (const feature of features) {
    for (const element of feature.elements ?? []) {
      for (const step of [...(element.before ?? []), ...(element.steps ?? []), ...(element.after ?? [])]) sum += step.result?.duration ?? 0;
    }
  }
  return sum;
}
