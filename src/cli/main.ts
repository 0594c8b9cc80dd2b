import { CommanderError } from 'commander';
import { ExitCode, isBaleenError } from '../errors/baleen-error.js';
import { buildProgram } from './program.js';
import { commandHandlers } from './handlers.js';

/** Runs the CLI and returns the process exit code; every failure ends as one line on stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram(commandHandlers);
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.passed;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message already; help and version are not errors.
      return error.exitCode === 0 ? ExitCode.passed : ExitCode.usage;
    }
    if (isBaleenError(error)) {
      process.stderr.write(`baleen: ${error.toLine()}\n`);
      return error.exitCode;
    }
    process.stderr.write(`baleen: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.infrastructure;
  }
}
