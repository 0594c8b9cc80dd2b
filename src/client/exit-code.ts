import type { RunOutcome } from '../domain/run-outcome.js';
import { ExitCode } from '../errors/baleen-error.js';

/**
 * Interrupted wins (the user asked); then the infrastructure's failures, exit 3: the engine's (the tests said
 * nothing) or a report that could not be written (CI would read a missing or stale file); then test failures.
 */
export function exitCodeOf(outcome: RunOutcome, reportsFailed: boolean, err: NodeJS.WritableStream): ExitCode {
  if (outcome.status === 'interrupted') return ExitCode.interrupted;
  const engineFailures = outcome.results.filter((result) => result.engineFailure);
  if (engineFailures.length > 0) {
    const first = engineFailures[0]!;
    err.write(
      `baleen: ${engineFailures.length} feature(s) could not run because of the container engine; first: ${first.file}: ${first.error}\n`,
    );
    return ExitCode.infrastructure;
  }
  if (reportsFailed) return ExitCode.infrastructure;
  return outcome.status === 'failed' ? ExitCode.failed : ExitCode.passed;
}
