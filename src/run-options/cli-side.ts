import { InvalidArgumentError, Option } from 'commander';
import type { CliSide, RunCommand } from './option.js';
import type { Reader } from './reader.js';

/** What a flag may add to commander's Option. */
export interface FlagExtras {
  /** Only this command takes the flag. */
  only?: RunCommand;
  /** An environment variable commander reads when the flag is not given (`BALEEN_TOKEN`). */
  env?: string;
  /** A flag it cannot be used with (commander's own message). */
  conflicts?: string;
}

function side<T>(
  flags: string,
  make: () => Option,
  read: (held: unknown) => T | undefined,
  extras: FlagExtras,
): CliSide<T> {
  const build = () => {
    const option = make();
    if (extras.env) option.env(extras.env);
    if (extras.conflicts) option.conflicts(extras.conflicts);
    return option;
  };
  return {
    make: build,
    attribute: new Option(flags).attributeName(),
    read,
    ...(extras.only ? { only: extras.only } : {}),
  };
}

const held = <T>(value: unknown) => value as T | undefined;

/** A flag without a value: `--fail-fast`. */
export function switchFlag(flags: string, help: string, extras: FlagExtras = {}): CliSide<boolean> {
  return side(flags, () => new Option(flags, help), held<boolean>, extras);
}

/** A flag with a text value: `--tags <expression>`. */
export function textFlag(flags: string, help: string, extras: FlagExtras = {}): CliSide<string> {
  return side(flags, () => new Option(flags, help), held<string>, extras);
}

/** A flag with several text values after it: `--files <path...>`. */
export function textsFlag(flags: `${string}...>`, help: string, extras: FlagExtras = {}): CliSide<string[]> {
  return side(flags, () => new Option(flags, help), held<string[]>, extras);
}

/** A flag with one of a few words (commander refuses anything else, listing them). */
export function choiceFlag<const C extends readonly string[]>(
  flags: string,
  help: string,
  choices: C,
  extras: FlagExtras = {},
): CliSide<C[number]> {
  return side(flags, () => new Option(flags, help).choices(choices), held<C[number]>, extras);
}

/** A commander parser from a Reader: the value, or commander's "argument is invalid" with what was expected. */
export function unit<T>(reader: Reader<T>) {
  return (value: string) => {
    const parsed = reader.read(value);
    if (parsed === undefined) throw new InvalidArgumentError(`expected ${reader.expected}.`);
    return parsed;
  };
}

/** A flag whose value a Reader reads: `--memory 512m`, `--timeout 90s`. */
export function readerFlag<T>(flags: string, help: string, reader: Reader<T>, extras: FlagExtras = {}): CliSide<T> {
  return side(flags, () => new Option(flags, help).argParser(unit(reader)), held<T>, extras);
}

/** A commander parser of a whole number of at least `min`, naming the flag when it is not one. */
export function wholeNumber(name: string, min: 0 | 1) {
  return (value: string) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min)
      throw new InvalidArgumentError(`${name} must be a whole number of ${min} or more.`);
    return number;
  };
}

/** A flag with a whole number of at least `min`: `--concurrency 4`, `--retries 0`. */
export function countFlag(flags: string, help: string, min: 0 | 1, extras: FlagExtras = {}): CliSide<number> {
  const name = flags.split(' ')[0]!;
  return side(flags, () => new Option(flags, help).argParser(wholeNumber(name, min)), held<number>, extras);
}

/** Commander's reducer for a repeatable flag: every value, in order. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A repeatable flag (`--collect a --collect b`); not given at all, it is unset, so a project file's list stays. */
export function repeatedFlag(flags: string, help: string, extras: FlagExtras = {}): CliSide<string[]> {
  return side(
    flags,
    () => new Option(flags, help).argParser(collect).default([]),
    (value) => {
      const values = value as string[] | undefined;
      return values && values.length > 0 ? values : undefined;
    },
    extras,
  );
}

/** The same flag, its value read on: `--env KEY=VALUE` pairs into the environment they name. */
export function mapFlag<A, B>(flag: CliSide<A>, map: (value: A) => B): CliSide<B> {
  return {
    ...flag,
    read: (value) => {
      const read = flag.read(value);
      return read === undefined ? undefined : map(read);
    },
  };
}
