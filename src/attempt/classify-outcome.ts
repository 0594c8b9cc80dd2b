import type { CucumberJson } from '../domain/cucumber-json.js';
import { firstFailure } from '../cucumber-json/scenarios.js';
import type { FeatureStatus, StopReason } from '../domain/feature-run.js';
import type { ContainerExit } from '../runtime/container-runtime.js';
import { missingCommandProblem } from './missing-command.js';
import { missingFeatureProblem } from './missing-feature.js';
import { reportCoverageProblem } from './report-coverage.js';
import { judgedReport } from './strictness.js';

export interface FeatureEvidence {
  exit?: ContainerExit;
  report: CucumberJson | null;
  /** What went wrong on baleen's side (engine error, unreadable report), if anything. */
  problem?: string;
  stopReason?: StopReason;
  stderrTail: string;
  /** Where the command was to write its report, for a verdict that names it (a warm worker's is its own). */
  reportPath?: string;
  /** How the process that ran it exited, in words, when not as the command itself (a warm worker that ended). */
  exitedAs?: string;
  /** The code the --before-command failed with (the shell ended before the command ran), if it did. */
  beforeCommandExit?: number;
  /** The warm worker that was to run it ended because the suite's support code failed to load: that error. */
  supportLoadError?: string;
  /** The feature as given in the run (its report must name it) and the image it ran in. */
  file: string;
  image: string;
  /** The lines of the scenarios it must run, from the client's parser; unknown for a client that sent none. */
  expectedLines?: readonly number[];
  /** The command template writes a report (`{report}`): without one, only the exit code can be judged. */
  reportExpected: boolean;
  /** cucumber-js's strict mode (the default): pending steps fail. False: they do not (undefined ones still do). */
  strict?: boolean;
}

export interface Outcome {
  status: FeatureStatus;
  error?: string;
}

/**
 * Decides a finished feature's status from everything that was seen: exit codes, baleen's own channels and the
 * report, never the text of the output. The order of the checks is the policy: an interruption wins, then
 * baleen's own failures, then what the container said. A non-zero exit is never a pass, report or not; a
 * report with a failing scenario (failed, ambiguous, and in strict mode pending or undefined, as cucumber-js
 * has them) is never a pass, exit code or not; and exit 0 is a pass only when the report shows every expected
 * scenario ran, passed or skipped (skipped by its own hook, as cucumber-js passes it). A command given no
 * `{report}` is judged by its exit code alone.
 */
export function classifyOutcome(evidence: FeatureEvidence): Outcome {
  const { exit } = evidence;
  const report = judgedReport(evidence.report, evidence.strict);
  if (evidence.stopReason === 'interrupt')
    return { status: 'cancelled', error: 'the run was interrupted before it finished' };
  if (evidence.stopReason === 'fail-fast')
    return { status: 'skipped', error: 'skipped: --fail-fast stopped the run after a failure' };
  if (evidence.problem !== undefined && exit === undefined) return { status: 'error', error: evidence.problem };
  if (exit === undefined) return { status: 'error', error: 'the container never exited' };
  if (exit.oomKilled) return { status: 'error', error: `out of memory (OOMKilled), exit code ${exit.exitCode}` };
  // Its worker said so before any scenario could run (warm-worker.mjs): baleen could not run it, as when the
  // command is missing. cucumber-js in a container of its own exits 1 without a report for the same suite.
  if (evidence.supportLoadError !== undefined)
    return { status: 'error', error: `its warm worker's support code failed to load: ${evidence.supportLoadError}` };
  const beforeCode = evidence.beforeCommandExit;
  if (beforeCode !== undefined) {
    const error =
      beforeCode === 0
        ? '--before-command ended the shell (exit 0) before the command ran'
        : `--before-command failed with exit code ${beforeCode}`;
    return { status: 'error', error };
  }
  const failedStep = report ? firstFailure(report) : undefined;
  const exited = evidence.exitedAs ?? `exited with code ${exit.exitCode}`;
  const noReport = `without writing a Cucumber report${evidence.reportPath === undefined ? '' : ` to ${evidence.reportPath}`}`;
  if (exit.exitCode !== 0) {
    if (failedStep !== undefined) return { status: 'failed', error: failedStep };
    const missing = missingCommandProblem(exit.exitCode, evidence.stderrTail, evidence.image);
    if (missing !== undefined) return { status: 'error', error: missing };
    if (report === null) {
      return {
        status: 'failed',
        error: `${exited} ${noReport} (a crash or an error before any scenario ran: see its stderr)`,
      };
    }
    return { status: 'failed', error: exited };
  }
  if (failedStep !== undefined) return { status: 'failed', error: failedStep };
  if (evidence.problem !== undefined) return { status: 'error', error: evidence.problem };
  if (!evidence.reportExpected) return { status: 'passed' };
  if (report === null) {
    return { status: 'error', error: `${exited} ${noReport}: nothing shows that its scenarios ran` };
  }
  const coverage = reportCoverageProblem(report, evidence.file, evidence.expectedLines);
  if (coverage === undefined) return { status: 'passed' };
  // The image lacks the feature file, as its shell said: why the report shows none of it (the words only).
  return { status: 'error', error: missingFeatureProblem(evidence.stderrTail, evidence.file) ?? coverage };
}
