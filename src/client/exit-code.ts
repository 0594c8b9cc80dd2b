import type { RunOutcome } from '../domain/run-outcome.js';
import { ExitCode } from '../errors/baleen-error.js';

/**
 * Interrupted wins (the user asked); then the engine's own failures (exit 3: the tests said nothing, the
 * infrastructure failed); then test failures. A run that passed but whose reports could not be written is
 * not something CI should trust either.
 */
export function exitCodeOf(outcome: RunOutcome, reportsFailed: boolean, err: NodeJS.WritableStream): ExitCode {
  if (outcome.status === 'interrupted') return ExitCode.interrupted;
  const engineFailures = outcome.results.filter((result) => result.engineFailure);
  if (engineFailures.length > 0) {
    const first = engineFailures[0]!;
    err.write(`baleen: ${engineFailures.length} feature(s) could not run because of the container engine; first: ${first.file}: ${first.error}\n`);
    return ExitCode.infrastructure;
  }
  if (outcome.status === 'failed') return ExitCode.failed;
  return reportsFailed ? ExitCode.infrastructure : ExitCode.passed;
}
