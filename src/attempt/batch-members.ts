import type { CucumberFeature } from '../domain/cucumber-json.js';
import { firstFailure, scenariosOf } from '../cucumber-json/scenarios.js';
import { classifyOutcome, type FeatureEvidence, type Outcome } from './classify-outcome.js';
import { judgedReport } from './strictness.js';
import { splitBatchReport } from '../batch/split-report.js';

/** What was seen of a batch's container: the evidence of each of its features but the feature's own part. */
export type BatchEvidence = Omit<FeatureEvidence, 'file' | 'expectedLines'>;

/** One feature's result out of its batch. */
export interface BatchMember {
  file: string;
  outcome: Outcome;
  /** Its part of the batch's report (null when it has none). */
  report: CucumberFeature[] | null;
  durationMs: number;
}

/** How many features an error names before "…": a batch can hold hundreds. */
const NAMED_FEATURES = 3;

/**
 * Each feature of a batch judged by the one verdict rule (classifyOutcome) on its own evidence:
 *
 * - The batch wrote a report: each feature by its own entries (split by uri), with its own expected scenario
 *   lines. A non-zero exit that another feature's failed scenario explains is not held against a feature
 *   whose own scenarios passed; a non-zero exit nothing in the report explains fails every feature. A feature
 *   all of whose scenarios were skipped in a batch that failed is `skipped`, never passed: cucumber-js skips
 *   what is left after a failure when the suite's config says failFast, and nothing shows that it ran.
 * - No report, or the container never exited (timed out, crashed, OOM-killed, failed to start): nothing shows
 *   that any feature finished, so each is an `error` naming the batch (cancelled and skipped stay so).
 *
 * A member's error names its batch whenever the cause is the batch's, not the feature's own scenarios.
 */
export function batchMembers(
  files: readonly string[],
  evidence: BatchEvidence,
  expectedLines: Readonly<Record<string, readonly number[]>>,
  batchMs: number,
): BatchMember[] {
  const batch = batchName(files);
  const { exit, report } = evidence;
  if (report === null || exit === undefined || exit.oomKilled) {
    // Nothing tells the features' times apart: each gets an equal part of the batch's.
    const durationMs = batchMs / files.length;
    return files.map((file) => {
      const outcome = classifyOutcome({ ...evidence, file, expectedLines: expectedLines[file] });
      if (outcome.status === 'passed' || outcome.status === 'cancelled' || outcome.status === 'skipped')
        return { file, outcome, report: null, durationMs };
      // Without a report a failed scenario cannot be told from a crash, unless the command writes none at all.
      const status = evidence.reportExpected ? 'error' : outcome.status;
      return { file, outcome: { status, error: `${batch}: ${outcome.error}` }, report: null, durationMs };
    });
  }
  // Whether a part failed is asked of the report as the run's strictness judges it, as classifyOutcome asks it.
  const judged = judgedReport(report, evidence.strict);
  const batchFailed = firstFailure(judged) !== undefined;
  return splitBatchReport(files, report, batchMs).map((share) => {
    const own = share.report ?? [];
    const ownJudged = judgedReport(own, evidence.strict);
    const explainedElsewhere = exit.exitCode !== 0 && batchFailed && firstFailure(ownJudged) === undefined;
    if (explainedElsewhere && noneRan(own))
      return {
        file: share.file,
        outcome: {
          status: 'skipped',
          error: `${batch}: none of its scenarios ran: cucumber-js skipped them after another feature failed (its failFast?)`,
        },
        report: share.report ?? null,
        durationMs: share.durationMs,
      };
    const outcome = classifyOutcome({
      ...evidence,
      exit: explainedElsewhere ? { ...exit, exitCode: 0 } : exit,
      report: own,
      file: share.file,
      expectedLines: expectedLines[share.file],
    });
    const ownFailure = outcome.status === 'failed' && firstFailure(ownJudged) !== undefined;
    const named =
      outcome.status === 'passed' || ownFailure || outcome.error === undefined
        ? outcome
        : { ...outcome, error: `${batch}: ${outcome.error}` };
    return { file: share.file, outcome: named, report: share.report ?? null, durationMs: share.durationMs };
  });
}

/** A feature's part of a report with scenarios, every one of them skipped. */
function noneRan(own: CucumberFeature[]): boolean {
  const scenarios = scenariosOf(own);
  return scenarios.length > 0 && scenarios.every((scenario) => scenario.status === 'skipped');
}

function batchName(files: readonly string[]): string {
  const named = files.slice(0, NAMED_FEATURES).join(', ');
  return `in its batch of ${files.length} features (${named}${files.length > NAMED_FEATURES ? ', …' : ''})`;
}
