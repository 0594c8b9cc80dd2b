import fg from 'fast-glob';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BaleenError } from '../errors/baleen-error.js';
import { compareNames } from '../util/order.js';

/**
 * Turns --files arguments into feature paths relative to `cwd`: a directory means every *.feature below it,
 * a file means itself, anything else is a glob. The result is sorted and free of duplicates, and the same
 * relative paths are handed to the containers, whose image holds the same tree under its working directory.
 */
export async function resolveFeatures(patterns: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const matches = await resolveOne(pattern, cwd);
    if (matches.length === 0) {
      throw new BaleenError('NO_FEATURES', `no feature file matched --files ${pattern}`, {
        hint: 'give a directory (searched for *.feature), a .feature file or a glob, relative to the current directory',
      });
    }
    for (const match of matches) found.add(toRelative(match, cwd, pattern));
  }
  return [...found].sort(compareNames);
}

async function resolveOne(pattern: string, cwd: string): Promise<string[]> {
  const kind = await stat(resolve(cwd, pattern)).then(
    (info) => (info.isDirectory() ? 'directory' : 'file'),
    () => 'pattern' as const,
  );
  if (kind === 'file') return [pattern];
  const glob = kind === 'directory' ? `${fg.escapePath(toPosix(pattern)).replace(/\/+$/, '')}/**/*.feature` : toPosix(pattern);
  return fg(glob, { cwd, onlyFiles: true, ignore: ['**/node_modules/**'], followSymbolicLinks: true });
}

function toRelative(match: string, cwd: string, pattern: string): string {
  const absolute = isAbsolute(match) ? match : resolve(cwd, match);
  const path = relative(cwd, absolute);
  if (path === '' || path.startsWith(`..${sep}`) || path === '..' || isAbsolute(path)) {
    throw new BaleenError('USAGE', `--files ${pattern} matches ${absolute}, which is outside the current directory`, {
      hint: 'run baleen from the folder whose tree the image holds, and name features inside it',
    });
  }
  return toPosix(path);
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
