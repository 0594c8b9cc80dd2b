import type { CucumberJson } from '../cucumber-json/schema.js';
import { firstFailure } from '../cucumber-json/scenarios.js';
import type { FeatureStatus, StopReason } from '../domain/feature-run.js';
import type { ContainerExit } from '../runtime/container-runtime.js';
import { beforeCommandFailure } from './feature-script.js';
import { missingCommandProblem } from './missing-command.js';
import { reportCoverageProblem } from './report-coverage.js';

export interface FeatureEvidence {
  exit?: ContainerExit;
  report: CucumberJson | null;
  /** What went wrong on baleen's side (engine error, unreadable report), if anything. */
  problem?: string;
  stopReason?: StopReason;
  stderrTail: string;
  reportPath: string;
  /** The feature as given in the run (its report must name it) and the image it ran in. */
  file: string;
  image: string;
  /** The lines of the scenarios it must run, from the client's parser; unknown for a client that sent none. */
  expectedLines?: readonly number[];
  /** The command template writes a report (`{report}`): without one, only the exit code can be judged. */
  reportExpected: boolean;
}

export interface Outcome {
  status: FeatureStatus;
  error?: string;
}

/**
 * Decides a finished feature's status from everything that was seen. The order of the checks is the policy:
 * an interruption wins, then baleen's own failures, then what the container said. A non-zero exit is never a
 * pass, report or not; a report with failed scenarios is never a pass, exit code or not; and exit 0 is a pass
 * only when the report shows every expected scenario ran (a command given no `{report}` is judged by its
 * exit code alone).
 */
export function classifyOutcome(evidence: FeatureEvidence): Outcome {
  const { exit, report } = evidence;
  if (evidence.stopReason === 'interrupt')
    return { status: 'cancelled', error: 'the run was interrupted before it finished' };
  if (evidence.stopReason === 'fail-fast')
    return { status: 'skipped', error: 'skipped: --fail-fast stopped the run after a failure' };
  if (evidence.problem !== undefined && exit === undefined) return { status: 'error', error: evidence.problem };
  if (exit === undefined) return { status: 'error', error: 'the container never exited' };
  if (exit.oomKilled) return { status: 'error', error: `out of memory (OOMKilled), exit code ${exit.exitCode}` };
  const beforeCode = beforeCommandFailure(evidence.stderrTail);
  if (beforeCode !== undefined) {
    const error =
      beforeCode === 0
        ? '--before-command ended the shell (exit 0) before the command ran'
        : `--before-command failed with exit code ${beforeCode}`;
    return { status: 'error', error };
  }
  const failedStep = report ? firstFailure(report) : undefined;
  if (exit.exitCode !== 0) {
    if (failedStep !== undefined) return { status: 'failed', error: failedStep };
    const missing = missingCommandProblem(exit.exitCode, evidence.stderrTail, evidence.image);
    if (missing !== undefined) return { status: 'error', error: missing };
    if (report === null) {
      return {
        status: 'failed',
        error: `exited with code ${exit.exitCode} without writing a Cucumber report to ${evidence.reportPath} (a crash or an error before any scenario ran: see its stderr)`,
      };
    }
    return { status: 'failed', error: `exited with code ${exit.exitCode}` };
  }
  if (failedStep !== undefined) return { status: 'failed', error: failedStep };
  if (evidence.problem !== undefined) return { status: 'error', error: evidence.problem };
  if (!evidence.reportExpected) return { status: 'passed' };
  if (report === null) {
    return {
      status: 'error',
      error: `exited with code 0 without writing a Cucumber report to ${evidence.reportPath}: nothing shows that its scenarios ran`,
    };
  }
  const coverage = reportCoverageProblem(report, evidence.file, evidence.expectedLines);
  return coverage === undefined ? { status: 'passed' } : { status: 'error', error: coverage };
}
