/**
 * cucumber-js's rerun file: what its `rerun` formatter writes and `cucumber-js @rerun.txt` reads. One entry a
 * line, a feature's path with the lines of its scenarios to run (`features/a.feature:7:20`), or a path alone
 * for the whole file. cucumber-js reads it when the argument's file name starts with `@`, relative to its
 * working directory: hence the report dir's `@rerun.txt` (`cucumber-js baleen-report/@rerun.txt`).
 */

/** The rerun file's name in a report dir. */
export const RERUN_FILE = '@rerun.txt';

/** A feature path and, when only some of its scenarios are meant, their lines. */
export interface FileLines {
  path: string;
  lines?: number[];
}

/**
 * `path:LINE[:LINE]` as cucumber-js (and Playwright) read a path argument: a trailing run of `:NUMBER` is
 * lines, the rest the path. Anything else is a path as it is.
 */
/** Scenario lines as a `path:LINE:LINE` names them: each once, in file order. */
export function uniqueLines(lines: Iterable<number>): number[] {
  return [...new Set(lines)].sort((a, b) => a - b);
}

export function splitFileLines(argument: string): FileLines {
  const match = /^(.+?)((?::\d+)+)$/.exec(argument);
  if (!match) return { path: argument };
  return { path: match[1]!, lines: match[2]!.slice(1).split(':').map(Number) };
}

/** The rerun file's text: one entry a line (each ended by a newline; none at all when nothing is to rerun). */
export function formatRerunFile(entries: readonly FileLines[]): string {
  return entries.map((entry) => `${[entry.path, ...(entry.lines ?? [])].join(':')}\n`).join('');
}

/** The entries of a rerun file, as cucumber-js reads it: one a line, trimmed, blank lines ignored. */
export function parseRerunFile(text: string): FileLines[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map(splitFileLines);
}
