import fg from 'fast-glob';
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import { boundedTreeFs, type TreeWalk } from './bounded-tree-fs.js';

/**
 * The files beside the features whose image copy may matter: code cucumber-js may load (step definitions,
 * support, the modules they import) and its configuration. The probe compares only those it reports
 * reading; these are hashed so that it can.
 */
const CODE_FILES = '**/*.{js,cjs,mjs,ts,cts,mts,jsx,tsx}';
const CONFIG_FILES = 'cucumber.{json,yaml,yml}';
/** A bound on what is hashed beside the features, so that a run from a large tree stays quick. */
export const MAX_CODE_FILES = 5_000;
const MAX_CODE_BYTES = 4 * 1024 * 1024;
const MAX_FOLDERS = 2_000;
const READ_CONCURRENCY = 16;

/**
 * sha256 of the client's copy of each feature of the run and of the code and configuration beside them, by
 * path relative to `cwd` (`/`-separated, as the image probe names them), for the server to tell a stale image.
 * Code is looked for under `cwd` but not in node_modules, dot folders or the report dir; past the bounds above
 * the rest is not hashed (and so not compared).
 */
export async function localHashes(
  features: readonly string[],
  cwd: string,
  options: { reportDir?: string; signal?: AbortSignal } = {},
): Promise<Record<string, string>> {
  const code = await codeFiles(cwd, options);
  const limit = pLimit(READ_CONCURRENCY);
  const entries = await Promise.all(
    [...new Set([...features, ...code])].map((path) =>
      limit(async () => [path, await sha256(resolve(cwd, path))] as const),
    ),
  );
  return Object.fromEntries(entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
}

async function codeFiles(cwd: string, options: { reportDir?: string; signal?: AbortSignal }): Promise<string[]> {
  const walk: TreeWalk = { root: await realpath(cwd), foldersRead: 0, maxFolders: MAX_FOLDERS, signal: options.signal };
  const found: string[] = [];
  const stream = fg.stream([CODE_FILES, CONFIG_FILES], {
    cwd,
    onlyFiles: true,
    ignore: ['**/node_modules/**', ...(options.reportDir ? [`${fg.escapePath(options.reportDir)}/**`] : [])],
    followSymbolicLinks: false,
    fs: boundedTreeFs(walk, 'code beside the features'),
  });
  try {
    for await (const entry of stream) {
      found.push(String(entry));
      if (found.length >= MAX_CODE_FILES) break;
    }
  } catch {
    // A tree past the bound, or an unreadable folder: what was found so far is hashed.
  }
  return found;
}

async function sha256(path: string): Promise<string | undefined> {
  try {
    if ((await stat(path)).size > MAX_CODE_BYTES) return undefined;
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch {
    return undefined;
  }
}
