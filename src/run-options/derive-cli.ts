import type { Command } from 'commander';
import { runOptionEntries } from './declaration.js';
import type { RunCommand } from './option.js';
import type { RunOptionValues } from './values.js';

/** The declarations whose flag the command takes, in the declaration's (the help's) order. */
function flagsOf(command: RunCommand) {
  return runOptionEntries().flatMap(([name, option]) =>
    option.cli && (option.cli.only ?? command) === command ? [{ name, option, cli: option.cli }] : [],
  );
}

/**
 * The run options' flags, added to `baleen cucumber` or `baleen project`. A required option's flag is
 * required where no project file can give it: on `cucumber`.
 */
export function addRunOptions(program: Command, command: RunCommand): Command {
  for (const { option, cli } of flagsOf(command)) {
    const made = cli.make();
    if (option.required && command === 'cucumber') made.makeOptionMandatory();
    program.addOption(made);
  }
  return program;
}

/** What the command line said, under the options' names; a flag not given is absent. */
export function runOptionsFromFlags(flags: Record<string, unknown>, command: RunCommand): RunOptionValues {
  const values: Record<string, unknown> = {};
  for (const { name, cli } of flagsOf(command)) {
    const value = cli.read(flags[cli.attribute]);
    if (value !== undefined) values[name] = value;
  }
  return values as RunOptionValues;
}
