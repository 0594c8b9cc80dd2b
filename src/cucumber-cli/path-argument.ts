/**
 * cucumber-js 12 reads every path argument as a glob pattern (node-glob with `windowsPathsNoEscape`, so `\`
 * is a path separator, never an escape), strips a trailing `:LINE`, reads a file whose name starts with `@` as
 * a list of paths, and takes a leading `-` for an option. A path given as is can therefore select other files,
 * or none: a run of 0 scenarios that exits 0. These functions turn a feature path into an argument that
 * cucumber-js reads as exactly that file, or say why none exists.
 */

/**
 * Characters wrapped in a one-character class (`[*]`), which glob reads literally: wildcards, classes, braces,
 * extglob parentheses, and `@` (a rerun file when it starts a name). `!`, `+` and `|` are literal once no
 * unescaped `(` follows them and the path does not start with them (it starts with `./` or `/`).
 */
const GLOB_SPECIAL = /[*?[\](){}@]/g;

export type PathArgument = { ok: true; argument: string } | { ok: false; reason: string };

/** Why cucumber-js cannot be given this path literally, or the argument that names exactly it. */
export function cucumberPathArgument(path: string): PathArgument {
  const reason = unpassableReason(path);
  if (reason !== undefined) return { ok: false, reason };
  const escaped = path.replace(GLOB_SPECIAL, (char) => `[${char}]`);
  // `./` keeps a leading `-` from being an option; cucumber-js names the feature relative to its working
  // directory either way, so its report's uri is the path as given.
  return { ok: true, argument: path.startsWith('/') ? escaped : `./${escaped}` };
}

function unpassableReason(path: string): string | undefined {
  if (path.includes('\\')) return 'cucumber-js reads `\\` in a path as a folder separator';
  // brace-expansion runs before glob and cannot be escaped: a comma or `..` between braces makes one path many.
  if (/\{.*(,|\.\.).*\}/s.test(path)) return 'cucumber-js expands `{…,…}` in a path into several paths';
  if (/:\d+$/.test(path)) return 'cucumber-js reads a trailing `:NUMBER` as a line to select';
  return undefined;
}

/**
 * The argument that makes cucumber-js run only the scenarios at `lines` of `path`: `./path:12:30` (one line:
 * a scenario job of --split scenarios; several: `--files path:LINE:LINE`, `--last-failed`). cucumber-js
 * matches lines to a feature by the argument's text before its glob runs, so it honours them only on a path
 * that needed no escaping: on `./a[*].feature:12` it runs every scenario of the file. Such a path has no
 * argument here, and says why.
 */
export function cucumberLineArgument(path: string, lines: number | readonly number[]): PathArgument {
  const argument = cucumberPathArgument(path);
  if (!argument.ok) return argument;
  if (path.search(GLOB_SPECIAL) >= 0) {
    return {
      ok: false,
      reason:
        'cucumber-js ignores `:LINE` after a path holding one of * ? [ ] ( ) { } @, so one scenario of it cannot be selected',
    };
  }
  return { ok: true, argument: `${argument.argument}:${[lines].flat().join(':')}` };
}

/**
 * What a job hands cucumber-js for one feature: its one scenario (`line`, --split scenarios), the scenarios
 * selected by line (`selected`: `--files path:LINE`, `--last-failed`), or the whole file. The run spec refuses
 * paths that have no such argument, so reaching here with one is a bug, not a user's mistake.
 */
export function jobPathArgument(path: string, line?: number, selected?: readonly number[]): string {
  const lines = line ?? (selected === undefined || selected.length === 0 ? undefined : selected);
  const argument = lines === undefined ? cucumberPathArgument(path) : cucumberLineArgument(path, lines);
  if (!argument.ok) throw new Error(`${path}: ${argument.reason}`);
  return argument.argument;
}
