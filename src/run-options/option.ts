import type { Option } from 'commander';
import type { z } from 'zod';

/** The commands that run a suite: `cucumber` from flags alone, `project` from a project file and flags over it. */
export type RunCommand = 'cucumber' | 'project';

/** The command-line side of a run option: its commander flag, and how commander's value becomes the option's. */
export interface CliSide<T> {
  /** A fresh commander Option (one per command that takes it). */
  make(): Option;
  /** The key commander keeps the value under (`--stop-grace` → `stopGrace`). */
  readonly attribute: string;
  /** The option's value from what commander holds; undefined when the flag was not given. */
  read(held: unknown): T | undefined;
  /** Only this command takes it (`--image` is `cucumber`'s: `project` reads it from the file). Unset: both. */
  readonly only?: RunCommand;
}

/** The project file's side of a run option: its snake_case key in a project of baleen.yml, and how its value is read. */
export interface FileSide<T, Key extends string = string> {
  readonly key: Key;
  readonly schema: z.ZodType<T>;
}

/**
 * One run option, declared once (see declaration.ts): where it is written (command line, project file),
 * what it is when nothing says, and whether it crosses the wire to the server as a RunSpec field of the same
 * name. Everything else (the flags of `cucumber` and `project`, the project file's schema, the merge of file
 * and flags, the RunSpec's fields) is derived from these.
 */
export interface RunOptionDeclaration<T> {
  readonly cli?: CliSide<T>;
  readonly file?: FileSide<T>;
  /** Why a project of baleen.yml has no key for it; every option has one unless there is a reason. */
  readonly notInFile?: string;
  /** The RunSpec field's schema: the option crosses the wire under its own name and the server validates it so. */
  readonly wire?: z.ZodType;
  /** Over a project file: `replace` (the command line's wins, the default) or `add` (lists: the file's, then the command line's). */
  readonly merge?: 'replace' | 'add';
  /** Its value when neither the command line nor the file gives one; without it the option may stay unset. */
  readonly fallback?: () => T;
  /** The run needs it: the `cucumber` command requires the flag, a project its key. */
  readonly required?: true;
}

/** The value type of a declaration: what its flag and its file key both read to. */
export type ValueOf<D> = D extends { cli: CliSide<infer T> } ? T : D extends { file: FileSide<infer T> } ? T : never;

/** Whether the command line and the file of a declaration agree on its type (never when they do not). */
type Agreeing<D> = D extends { cli: CliSide<infer C>; file: FileSide<infer F> }
  ? [C] extends [F]
    ? [F] extends [C]
      ? D
      : never
    : never
  : D;

/** Declares a run option; the compiler checks that its flag and its file key read to the same type. */
export function runOption<const D extends RunOptionDeclaration<unknown>>(declaration: D & Agreeing<D>): D {
  return declaration;
}
