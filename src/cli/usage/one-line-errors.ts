import type { Command } from 'commander';
import { commandPath, everyCommand } from './commands.js';

/**
 * Commander's usage message as baleen's one line: the problem, then the fix. Commander writes
 * `error: unknown option '--imgae'` and its suggestion on a line of its own; an option parser's message
 * (InvalidArgumentError) follows `… is invalid.` and says what the value must be, which is the fix.
 */
export function usageLine(message: string, command: string): string {
  const [first = '', ...rest] = message.replace(/^error: /, '').trim().split('\n');
  const suggestion = rest.join(' ').match(/\(Did you mean (.+)\?\)/)?.[1];
  if (suggestion) return `${first}: did you mean ${suggestion}?`;
  const invalid = first.match(/^(.+? is invalid)\. (.+?)\.?$/);
  if (invalid) return `${invalid[1]}: ${invalid[2]}`;
  return `${first.replace(/\.$/, '')}: run ${command} --help for usage`;
}

/** Every command writes its usage errors as `baleen: <problem>: <fix>` on one line of stderr. */
export function writeUsageErrorsAsOneLine(program: Command): void {
  for (const command of everyCommand(program)) {
    command.configureOutput({
      outputError: (message, write) => write(`baleen: ${usageLine(message, commandPath(command))}\n`),
    });
  }
}
