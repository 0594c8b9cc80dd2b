import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { splitFileLines, uniqueLines } from '../cucumber-cli/rerun-file.js';
import { BaleenError } from '../errors/baleen-error.js';
import { compareNames } from '../util/order.js';
import { type ResolveOptions, resolveFeatures } from './resolve-features.js';

/** What `--files` names: the feature files, and for those given as `path:LINE[:LINE]`, the lines. */
export interface FileSelection {
  features: string[];
  /** By feature path (as in `features`): the lines asked for. A feature also named whole runs whole. */
  lines: Record<string, number[]>;
}

/**
 * Resolves `--files` arguments (see resolveFeatures), reading `path:LINE[:LINE]` as cucumber-js and
 * Playwright do: the scenarios at those lines of that one file. A file whose name itself ends in `:NUMBER`
 * stays a path (the run spec refuses it: cucumber-js could not be handed it).
 */
export async function resolveFileSelection(
  patterns: readonly string[],
  cwd: string,
  options: ResolveOptions = {},
): Promise<FileSelection> {
  const whole: string[] = [];
  const lines: Record<string, number[]> = {};
  for (const pattern of patterns) {
    const { path, lines: asked } = splitFileLines(pattern);
    if (asked === undefined || (await isFile(resolve(cwd, pattern)))) {
      whole.push(pattern);
      continue;
    }
    if (!(await isFile(resolve(cwd, path))))
      throw new BaleenError('NO_FEATURES', `--files ${pattern}: ${path} is not a feature file`, {
        hint: 'a :LINE selects scenarios of one feature file: name the file, relative to the current directory',
      });
    const [feature] = await resolveFeatures([path], cwd, options);
    lines[feature!] = uniqueLines([...(lines[feature!] ?? []), ...asked]);
  }
  const features = new Set(whole.length === 0 ? [] : await resolveFeatures(whole, cwd, options));
  for (const feature of features) delete lines[feature];
  for (const feature of Object.keys(lines)) features.add(feature);
  return { features: [...features].sort(compareNames), lines };
}

const isFile = (path: string) =>
  stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
