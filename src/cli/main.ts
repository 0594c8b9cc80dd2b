import { CommanderError } from 'commander';
import { ExitCode, isBaleenError } from '../errors/baleen-error.js';
import { buildProgram } from './program.js';
import { commandHandlers } from './handlers.js';

/**
 * `baleen cucumber … | head` closes the console's pipe long before the run ends. A write to it then fails
 * with EPIPE, which unhandled would end the process with the run's containers still up. The console is only
 * one of the reports: the run goes on, the report files are written, and the exit code still tells.
 */
function survivePipeClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

/** Runs the CLI and returns the process exit code; every failure ends as one line on stderr. */
export async function main(argv: readonly string[]): Promise<number> {
  survivePipeClosed(process.stdout);
  survivePipeClosed(process.stderr);
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
    process.stderr.write(
      `baleen: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return ExitCode.infrastructure;
  }
}
