import {
  isUnsuccessful,
  type AttemptSummary,
  type FeatureStatus,
  type StreamName,
} from '../../../domain/feature-run.js';
import type { RunOutcome } from '../../../domain/run-outcome.js';
import { featureEntries, type FeatureEntry } from '../../../cucumber-json/feature-report.js';
import { failedScenarios, type FailedScenario } from '../../../cucumber-json/scenarios.js';
import { lastLines, stripAnsi } from '../../../util/text.js';
import { artifactsDirOf } from '../../files/artifacts-reporter.js';
import { featureLogs } from '../../files/log-path.js';

/** How much of each stream the overview shows of a feature that did not pass (logs/ has all of it). */
const OUTPUT_TAIL_LINES = 30;

/** The groups the overview's status filter offers: what a person looks for. */
export type OverviewStatus = 'failed' | 'flaky' | 'not run' | 'passed';

export interface OverviewTail {
  stream: StreamName;
  text: string;
  /** Bytes the run did not keep in memory: only the log file has them. */
  truncatedBytes: number;
}

/** One feature as the overview page shows it. */
export interface OverviewFeature {
  file: string;
  group: OverviewStatus;
  /** The feature's own status, or unfinished when the run ended first. */
  status: FeatureStatus | 'unfinished';
  error?: string;
  durationMs: number;
  node?: string;
  slot?: number;
  /** Its container's command start and end (epoch ms), for the timeline. */
  container?: { startedAt: number; endedAt: number };
  /** Its failed scenarios as the report has them (baleen's stand-in scenario left out: `error` says it). */
  failedScenarios: FailedScenario[];
  /** The attempts before the last one, for a retried feature. */
  previousAttempts: AttemptSummary[];
  attempt: number;
  tails: OverviewTail[];
  logs?: { stdout: string; stderr: string };
  /** The files --collect brought back (each by its path in the container and in the report dir), and what was not collected. */
  artifacts?: { files: { path: string; href: string }[]; note?: string };
}

/** Failures first, then flaky features, then what did not run, then the rest, each in the run's order. */
const GROUP_ORDER: readonly OverviewStatus[] = ['failed', 'flaky', 'not run', 'passed'];

export function overviewFeatures(outcome: RunOutcome): OverviewFeature[] {
  const features = featureEntries(outcome).map(overviewFeature);
  return GROUP_ORDER.flatMap((group) => features.filter((feature) => feature.group === group));
}

function overviewFeature(entry: FeatureEntry): OverviewFeature {
  const result = entry.result;
  const status = result?.status ?? 'unfinished';
  const group: OverviewStatus =
    result && isUnsuccessful(result.status)
      ? 'failed'
      : result?.flaky
        ? 'flaky'
        : status === 'passed'
          ? 'passed'
          : 'not run';
  const feature: OverviewFeature = {
    file: entry.file,
    group,
    status,
    durationMs: result?.durationMs ?? 0,
    failedScenarios: failedScenarios(entry.report, { standIn: false }),
    previousAttempts: result?.previousAttempts ?? [],
    attempt: result?.attempt ?? 0,
    tails: [],
  };
  if (!result) return { ...feature, error: 'the run ended before this feature finished' };
  if (result.error !== undefined) feature.error = result.error;
  if (result.node !== undefined) feature.node = result.node;
  if (result.slot !== undefined) feature.slot = result.slot;
  if (result.containerStartedAt !== undefined && result.containerEndedAt !== undefined) {
    feature.container = { startedAt: result.containerStartedAt, endedAt: result.containerEndedAt };
  }
  // A passed feature's output is noise on this page; its logs are still linked.
  if (group !== 'passed') {
    feature.tails = (['stdout', 'stderr'] as const)
      .map((stream) => ({
        stream,
        text: lastLines(stripAnsi(result[stream].text), OUTPUT_TAIL_LINES),
        truncatedBytes: result[stream].truncatedBytes,
      }))
      .filter((tail) => tail.text.trim() !== '');
  }
  if (result.artifacts) {
    const files = result.artifacts.files.map((file) => ({
      path: file.path,
      href: `${artifactsDirOf(result.file)}${file.path}`,
    }));
    feature.artifacts = { files, ...(result.artifacts.note === undefined ? {} : { note: result.artifacts.note }) };
  }
  feature.logs = featureLogs(result);
  return feature;
}
