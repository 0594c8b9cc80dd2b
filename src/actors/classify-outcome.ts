import type { CucumberJson, FeatureStatus, StopReason } from '../domain/feature-run.js';
import type { ContainerExit } from '../runtime/container-runtime.js';
import { beforeCommandFailure } from './feature-script.js';

export interface FeatureEvidence {
  exit?: ContainerExit;
  report: CucumberJson | null;
  /** What went wrong on baleen's side (engine error, unreadable report), if anything. */
  problem?: string;
  stopReason?: StopReason;
  stderrTail: string;
  reportPath: string;
}

export interface Outcome {
  status: FeatureStatus;
  error?: string;
}

/**
 * Decides a finished feature's status from everything that was seen. The order of the checks is the policy:
 * an interruption wins, then baleen's own failures, then what the container said. A non-zero exit is never a
 * pass, report or not; a report with failed scenarios is never a pass, exit code or not.
 */
export function classifyOutcome(evidence: FeatureEvidence): Outcome {
  const { exit, report } = evidence;
  if (evidence.stopReason === 'interrupt') return { status: 'cancelled', error: 'the run was interrupted before it finished' };
  if (evidence.stopReason === 'fail-fast') return { status: 'skipped', error: 'skipped: --fail-fast stopped the run after a failure' };
  if (evidence.problem !== undefined && exit === undefined) return { status: 'error', error: evidence.problem };
  if (exit === undefined) return { status: 'error', error: 'the container never exited' };
  if (exit.oomKilled) return { status: 'error', error: `out of memory (OOMKilled), exit code ${exit.exitCode}` };
  const beforeCode = beforeCommandFailure(evidence.stderrTail);
  if (beforeCode !== undefined) {
    const error = beforeCode === 0 ? '--before-command ended the shell (exit 0) before the command ran' : `--before-command failed with exit code ${beforeCode}`;
    return { status: 'error', error };
  }
  const failedStep = report ? firstFailedStep(report) : undefined;
  if (exit.exitCode !== 0) {
    if (report === null) {
      return {
        status: 'failed',
        error: `exited with code ${exit.exitCode} without writing a Cucumber report to ${evidence.reportPath} (a Gherkin parse error or a crash: see its stderr)`,
      };
    }
    return { status: 'failed', error: failedStep ?? `exited with code ${exit.exitCode}` };
  }
  if (failedStep !== undefined) return { status: 'failed', error: failedStep };
  if (evidence.problem !== undefined) return { status: 'error', error: evidence.problem };
  return { status: 'passed' };
}

interface StepLike {
  keyword?: string;
  name?: string;
  result?: { status?: string; error_message?: string };
}
interface ElementLike {
  name?: string;
  steps?: StepLike[];
}

/** The first failed step of a Cucumber JSON report, as "Scenario › Step: message", or undefined. */
export function firstFailedStep(report: CucumberJson): string | undefined {
  for (const feature of report) {
    for (const element of (feature.elements ?? []) as ElementLike[]) {
      for (const step of element.steps ?? []) {
        if (step.result?.status === 'failed') {
          const message = headline(step.result.error_message ?? 'failed');
          return `${element.name ?? 'scenario'} › ${(step.keyword ?? '').trim()} ${step.name ?? ''}: ${message}`.trim();
        }
      }
    }
  }
  return undefined;
}

/**
 * The gist of an error message on one line: its first lines up to the stack trace, so that an assertion
 * library's "Expected values to be strictly equal:" keeps the values that follow it.
 */
export function headline(message: string, maxLength = 240): string {
  const lines = message.split('\n').map((line) => line.trim());
  const stack = lines.findIndex((line) => line.startsWith('at '));
  const gist = (stack < 0 ? lines : lines.slice(0, stack)).filter(Boolean).slice(0, 2).join(' ');
  return gist.length > maxLength ? `${gist.slice(0, maxLength - 1)}…` : gist;
}
