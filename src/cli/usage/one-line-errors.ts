import type { Command } from 'commander';
import { closestNames } from '../../util/did-you-mean.js';
import { commandPath, everyCommand } from './commands.js';

/**
 * Commander's usage message as baleen's one line: the problem, then the fix. Commander writes
 * `error: unknown option '--imgae'` and its suggestion on a line of its own; an option parser's message
 * (InvalidArgumentError) follows `… is invalid.` and says what the value must be, which is the fix. An unknown
 * option's suggestion is baleen's own (util/did-you-mean.ts): commander's offers `--memory` for `--retry`
 * before `--retries`.
 */
function usageLine(message: string, command: Command): string {
  const [first = '', ...rest] = message
    .replace(/^error: /, '')
    .trim()
    .split('\n');
  const unknownOption = first.match(/^unknown option '(.+?)'/)?.[1];
  const suggestion =
    unknownOption === undefined
      ? rest.join(' ').match(/\(Did you mean (.+)\?\)/)?.[1]
      : closestNames(unknownOption, optionNames(command)).join(' or ') || undefined;
  if (suggestion) return `${first}: did you mean ${suggestion}?`;
  const invalid = first.match(/^(.+? is invalid)\. (.+?)\.?$/);
  if (invalid) return `${invalid[1]}: ${invalid[2]!.charAt(0).toLowerCase()}${invalid[2]!.slice(1)}`;
  return `${first.replace(/\.$/, '')}: run ${commandPath(command)} --help for usage`;
}

/** The long options a command takes, as typed (`--retries`), its own and those it inherits. */
function optionNames(command: Command): string[] {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent)
    for (const option of at.options) if (option.long) names.push(option.long);
  return names;
}

/** Every command writes its usage errors as `baleen: <problem>: <fix>` on one line of stderr. */
export function writeUsageErrorsAsOneLine(program: Command): void {
  for (const command of everyCommand(program)) {
    command.configureOutput({
      outputError: (message) => process.stderr.write(`baleen: ${usageLine(message, command)}\n`),
    });
  }
  // A bare `baleen` is the one usage error commander answers with its whole help, on stderr (writeErr);
  // errors above write to stderr themselves, so this stream carries nothing else. Help comes in pieces: one line.
  const commands = program.commands.map((command) => command.name()).join(', ');
  let said = false;
  program.configureOutput({
    writeErr: () => {
      if (!said)
        process.stderr.write(
          `baleen: no command given: choose one of ${commands} (baleen --help says what each does)\n`,
        );
      said = true;
    },
  });
}
