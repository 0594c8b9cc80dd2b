import {
  ENGINE_OPTIONS,
  PROVIDERS,
  RUNTIME_KINDS,
  runtimesThat,
  type EngineOptionName,
  type RuntimeKind,
} from '../runtime/registry.js';
import type { NotedOption } from '../runtime/runtime-traits.js';
import { choiceFlag, textFlag } from './cli-side.js';
import type { CliSide } from './option.js';

/**
 * How a process reaches its container engine: the embedded server's (run options) or `baleen server`'s and
 * `baleen reap`'s. Derived from the runtimes' providers: `--runtime` and its choices, and each runtime's
 * engine options (the flags of its address).
 */
export function runtimeFlag(whose: string): CliSide<RuntimeKind> {
  const where = PROVIDERS.map((provider) => provider.summary).join(', or ');
  return choiceFlag(
    '--runtime <kind>',
    `where ${whose} containers run: ${where} (default: ${RUNTIME_KINDS[0]})`,
    RUNTIME_KINDS,
  );
}

/** Each engine option's flag, by the option's name. */
export function engineOptionFlags(): Record<EngineOptionName, CliSide<string>> {
  return Object.fromEntries(
    Object.entries(ENGINE_OPTIONS).map(([name, option]) => [name, textFlag(option.flags, option.description)]),
  ) as Record<EngineOptionName, CliSide<string>>;
}

/** The engine options as run options (for the embedded server): flags only, the engine's address being the machine's. */
export function engineRunOptions(): { [Name in EngineOptionName]: { cli: CliSide<string>; notInFile: string } } {
  const flags = engineOptionFlags();
  return Object.fromEntries(
    Object.entries(ENGINE_OPTIONS).map(([name, option]) => [
      name,
      { cli: flags[name as EngineOptionName], notInFile: option.notInFile },
    ]),
  ) as { [Name in EngineOptionName]: { cli: CliSide<string>; notInFile: string } };
}

/** A run option's help, with what each runtime does differently, as its provider notes it. */
export function withRuntimeNotes(option: NotedOption, help: string): string {
  const notes = PROVIDERS.flatMap((provider) => provider.notes?.[option] ?? []);
  return notes.length === 0 ? help : `${help} (${notes.join('; ')})`;
}

/** `--constraint`'s help: an example in the syntax of a runtime that places, and the runtimes that do. */
export function constraintHelp(): string {
  const placing = PROVIDERS.flatMap((provider) => provider.placement ?? []);
  const example = placing[0] === undefined ? '' : `, e.g. ${placing[0].example}`;
  return `placement constraint${example} (repeatable; ${runtimesThat((traits) => traits.placement !== undefined) ?? 'no runtime places containers'})`;
}
