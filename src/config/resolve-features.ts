import fg from 'fast-glob';
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { BaleenError } from '../errors/baleen-error.js';
import { compareNames } from '../util/order.js';
import { boundedTreeFs, type TreeWalk } from './bounded-tree-fs.js';

/** What one `--files` walk may read before it is refused as unreasonable (a whole disk, a home folder). */
export const MAX_FOLDERS_WALKED = 10_000;

/** The file names cucumber-js runs by default when given a folder. */
const FEATURE_FILES = '**/*.{feature,feature.md}';

export interface ResolveOptions {
  /** Ctrl-C / SIGTERM: the walk stops at its next folder. */
  signal?: AbortSignal;
  maxFolders?: number;
  onProgress?: (message: string) => void;
}

/**
 * Turns --files arguments into feature paths relative to `cwd`: a directory means every *.feature and
 * *.feature.md below it, a file means itself, anything else is a glob. Nothing outside the current
 * directory's tree is read or named (symlinks are followed only while they stay inside it, each folder
 * read once), a file reached by several paths counts once, under its real path, and the result is sorted.
 * The same relative paths are handed to the containers, whose image holds the same tree.
 */
export async function resolveFeatures(
  patterns: readonly string[],
  cwd: string,
  options: ResolveOptions = {},
): Promise<string[]> {
  const root = await realpath(cwd);
  const walk: TreeWalk = { ...options, root, foldersRead: 0, maxFolders: options.maxFolders ?? MAX_FOLDERS_WALKED };
  const found = new Set<string>();
  for (const pattern of patterns) {
    const matches = await resolveOne(pattern, cwd, walk);
    if (matches.length === 0) {
      throw new BaleenError('NO_FEATURES', `no feature file matched --files ${pattern}`, {
        hint: 'give a directory (searched for *.feature and *.feature.md), a feature file or a glob, relative to the current directory',
      });
    }
    for (const match of matches) found.add(await inTree(resolve(cwd, match), root, pattern));
  }
  return [...found].sort(compareNames);
}

async function resolveOne(pattern: string, cwd: string, walk: TreeWalk): Promise<string[]> {
  if (pattern.trim() === '') {
    throw new BaleenError('USAGE', '--files was given an empty path', {
      hint: 'name a folder (--files features/), a feature file or a glob',
    });
  }
  const kind = await stat(resolve(cwd, pattern)).then(
    (info) => (info.isDirectory() ? 'directory' : 'file'),
    () => 'pattern' as const,
  );
  if (kind === 'file') return [pattern];
  const glob =
    kind === 'directory' ? `${fg.escapePath(toPosix(pattern)).replace(/\/+$/, '')}/${FEATURE_FILES}` : toPosix(pattern);
  // Refused before reading anything: a walk that starts outside the tree (`--files /usr`, `../`).
  const base = fg.generateTasks([glob], { cwd })[0]?.base ?? '.';
  const start = await realpath(resolve(cwd, base)).catch(() => undefined);
  if (start !== undefined && start !== walk.root) await inTree(start, walk.root, pattern);
  return fg(glob, {
    cwd,
    onlyFiles: true,
    ignore: ['**/node_modules/**'],
    followSymbolicLinks: true,
    fs: boundedTreeFs(walk, pattern),
  });
}

/** The real path of `path`, relative to the tree's root; a path whose real file lies outside is refused. */
async function inTree(path: string, root: string, pattern: string): Promise<string> {
  const real = await realpath(path).catch(() => path);
  const inside = relative(root, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new BaleenError(
      'USAGE',
      `--files ${pattern} leads to ${real}, which is outside the current directory (${root})`,
      {
        hint: 'run baleen from the folder whose tree the image holds, and name features inside it',
      },
    );
  }
  return toPosix(inside);
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}
