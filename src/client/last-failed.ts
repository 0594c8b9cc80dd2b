import { readFile } from 'node:fs/promises';
import { join, posix, relative, resolve } from 'node:path';
import { type FileLines, parseRerunFile, RERUN_FILE, uniqueLines } from '../cucumber-cli/rerun-file.js';
import { BaleenError } from '../errors/baleen-error.js';
import { DEFAULT_REPORT_DIR } from '../run-options/declaration.js';
import type { RunRequest } from '../run-options/values.js';

/** What a rerun reads: `baleen plan` has none of it (it splits what --files names). */
export type RerunOptions = Partial<Pick<RunRequest, 'lastFailed' | 'lastRun' | 'reportDir' | 'split'>>;

/** What --last-failed (or --last-run FILE) leaves of the features --files names. */
export type Rerun =
  /** Neither flag: every feature. */
  | { kind: 'all' }
  /** Nothing failed, or nothing that failed is among --files: no run at all. */
  | { kind: 'nothing'; said: string }
  | {
      kind: 'some';
      features: string[];
      /** With --split scenarios: the lines of each feature's failed scenarios (none: the whole feature). */
      lines: Record<string, number[]>;
      said: string;
    };

/**
 * The features of `named` (in its order) that the last run's rerun file names: the report dir's @rerun.txt,
 * or --last-run FILE (a cucumber-js rerun file too). Feature by feature, or with --split scenarios scenario by
 * scenario.
 */
export async function lastFailed(request: RerunOptions, named: readonly string[], cwd: string): Promise<Rerun> {
  if (!request.lastFailed && request.lastRun === undefined) return { kind: 'all' };
  const { path, file } = rerunFileOf(request, cwd);
  const entries = await readRerunFile(path, file, request.lastRun !== undefined);
  const flag = request.lastRun === undefined ? '--last-failed' : '--last-run';
  if (entries.length === 0)
    return { kind: 'nothing', said: `${flag}: nothing failed in the last run (${file} is empty); nothing to rerun` };
  const failed = new Map<string, number[] | undefined>();
  for (const entry of entries) {
    const path = posix.normalize(entry.path.replaceAll('\\', '/'));
    // An entry naming the whole file wins over lines of it.
    failed.set(path, failed.has(path) ? mergeLines(failed.get(path), entry.lines) : entry.lines);
  }
  const features = named.filter((feature) => failed.has(feature));
  const outside = [...failed.keys()].filter((path) => !named.includes(path)).length;
  const left = outside === 0 ? '' : `; ${outside} of what failed is not among --files and stays out`;
  if (features.length === 0)
    return {
      kind: 'nothing',
      said: `${flag}: nothing that failed in the last run (${file}) is among --files${left}; nothing to rerun`,
    };
  const lines =
    request.split === 'scenarios'
      ? Object.fromEntries(
          features.flatMap((feature) => (failed.get(feature) ? [[feature, failed.get(feature)!]] : [])),
        )
      : {};
  return {
    kind: 'some',
    features,
    lines,
    said: `${flag}: ${features.length} of ${named.length} features failed in the last run (${file}); running them${left}`,
  };
}

/** The rerun file's path, and its name as a person finds it: relative to the run's folder when inside it. */
function rerunFileOf(request: RerunOptions, cwd: string): { path: string; file: string } {
  const path = resolve(cwd, request.lastRun ?? join(request.reportDir ?? DEFAULT_REPORT_DIR, RERUN_FILE));
  const shown = relative(cwd, path);
  return { path, file: shown.startsWith('..') ? path : shown };
}

/** Read at its path (the run's folder need not be this process's), named in messages as `file`. */
async function readRerunFile(path: string, file: string, named: boolean): Promise<FileLines[]> {
  try {
    return parseRerunFile(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new BaleenError(
      'USAGE',
      named ? `--last-run ${file} does not exist` : `--last-failed found no earlier run: ${file} does not exist`,
      {
        hint: named
          ? "name a rerun file: a report dir's @rerun.txt, or one cucumber-js --format rerun wrote"
          : 'run once without --last-failed, or name a rerun file with --last-run FILE',
      },
    );
  }
}

function mergeLines(a: number[] | undefined, b: number[] | undefined): number[] | undefined {
  return a === undefined || b === undefined ? undefined : uniqueLines([...a, ...b]);
}
