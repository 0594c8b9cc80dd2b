import type { Command } from 'commander';
import { RUN_OPTIONS, runOptionEntries } from './declaration.js';
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

/** The run options that decide what a pipeline's shards split: `baleen plan` takes them, as a run does. */
export const PLAN_OPTIONS = ['files', 'tags', 'timingsFile', 'passWithNoTests'] as const;
export type PlanOptionName = (typeof PLAN_OPTIONS)[number];

/** `baleen plan`'s run options, the same flags (and help) as a run's. */
export function addPlanOptions(program: Command): Command {
  for (const name of PLAN_OPTIONS) program.addOption(RUN_OPTIONS[name].cli.make());
  return program;
}

/** What `baleen plan`'s command line said of them; a flag not given is absent. */
export function planOptionsFromFlags(flags: Record<string, unknown>): Pick<RunOptionValues, PlanOptionName> {
  const values: Record<string, unknown> = {};
  for (const name of PLAN_OPTIONS) {
    const cli = RUN_OPTIONS[name].cli;
    const value = cli.read(flags[cli.attribute]);
    if (value !== undefined) values[name] = value;
  }
  return values as Pick<RunOptionValues, PlanOptionName>;
}
