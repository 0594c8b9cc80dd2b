import * as fs from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Options } from 'fast-glob';
import { BaleenError } from '../errors/baleen-error.js';

/** One resolution's walk: the tree it may read, what it has read, and what stops it. */
export interface TreeWalk {
  /** The real path of the current directory: nothing outside it is read. */
  readonly root: string;
  foldersRead: number;
  readonly maxFolders: number;
  readonly signal?: AbortSignal;
  /** Told once, when the walk has read `PROGRESS_AFTER` folders: a long silent wait looks like a hang. */
  readonly onProgress?: (message: string) => void;
}

const PROGRESS_AFTER = 1_000;

type ReaddirCallback = (error: NodeJS.ErrnoException | null, entries: fs.Dirent[] | string[]) => void;

/**
 * The file system fast-glob walks through, bounded: a folder is read only when its real path is inside the
 * tree and was not read before in this walk (so a symlink loop, or a link to `/`, reads nothing more), the
 * walk fails once it has read `maxFolders` folders, and stops at the next folder once `signal` aborts.
 */
export function boundedTreeFs(walk: TreeWalk, pattern: string): Options['fs'] {
  const seen = new Set<string>();
  // fast-glob reads folders with file types; the names-only form is kept for completeness.
  const readdir = (path: string, ...args: [{ withFileTypes: true }, ReaddirCallback] | [ReaddirCallback]): void => {
    const callback = args.length === 2 ? args[1] : args[0];
    const read = () => (args.length === 2 ? fs.readdir(path, args[0], callback) : fs.readdir(path, callback));
    if (walk.signal?.aborted) {
      callback(new BaleenError('INTERRUPTED', `interrupted while looking for features (--files ${pattern})`), []);
      return;
    }
    fs.realpath(path, (error, real) => {
      if (error) return callback(error, []);
      if (!insideTree(walk.root, real) || seen.has(real)) return callback(null, []);
      seen.add(real);
      if (++walk.foldersRead > walk.maxFolders) {
        return callback(
          new BaleenError('USAGE', `--files ${pattern} reaches more than ${walk.maxFolders} folders`, {
            hint: 'name the folders that hold your features (--files features/), not a whole tree',
          }),
          [],
        );
      }
      if (walk.foldersRead === PROGRESS_AFTER) {
        walk.onProgress?.(
          `still looking for features: ${PROGRESS_AFTER} folders read for --files ${pattern} (the limit is ${walk.maxFolders})`,
        );
      }
      read();
    });
  };
  return { readdir: readdir as unknown as NonNullable<Options['fs']>['readdir'] };
}

function insideTree(root: string, real: string): boolean {
  const path = relative(root, real);
  return path === '' || !(path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path));
}
