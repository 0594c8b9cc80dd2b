import type { Command } from 'commander';

/** The program and every command below it, parents first. */
export function everyCommand(program: Command): Command[] {
  return [program, ...program.commands.flatMap(everyCommand)];
}

/** How a person types the command: `baleen`, `baleen cucumber`. */
export function commandPath(command: Command): string {
  return command.parent ? `${commandPath(command.parent)} ${command.name()}` : command.name();
}
