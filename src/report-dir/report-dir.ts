import {
  copyFile,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, join } from 'node:path';
import { BaleenError, isBaleenError, messageOf } from '../errors/baleen-error.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';
import { MANIFEST_FILE, manifestOf, readManifest } from './manifest.js';
import { reportFiles } from './report-files.js';
import { claimReportDir, LOCK_FILE } from './run-lock.js';

/**
 * A report dir opened for one run. The run writes into `staging`, a private folder inside the report dir
 * with an unpredictable name (so nothing can be planted in it), and `commit` swaps the new report in for
 * the old one at the end: until then the previous report stays whole.
 */
export interface StagedReportDir {
  /** The user's folder, where the report is found once committed. */
  readonly dir: string;
  /** Where this run's files are written until the commit. */
  readonly staging: string;
  /** Clears what the manifest lists (the previous report) and moves this run's files in. */
  commit(): Promise<void>;
  /** Drops this run's files and leaves the previous report as it was (a download that failed half-way). */
  discard(): Promise<void>;
}

/**
 * Opens `dir` for a run, before any container starts: refuses a folder baleen did not write or another run
 * is writing (exit 2) and one it cannot write to (exit 3), so none of them costs a run. The commit ends the
 * run's claim on the folder.
 */
export async function stageReportDir(dir: string): Promise<StagedReportDir> {
  const { real, made } = await ensureDirectory(dir);
  const release = await writable(dir, () => claimReportDir(real, dir));
  try {
    const { previous, hadManifest, staging } = await openForRun(dir, real);
    return {
      dir: real,
      staging,
      commit: () => commit(real, previous, staging).finally(release),
      discard: async () => {
        await discard(real, hadManifest ? previous : undefined, staging).finally(release);
        // A folder this run made, left empty: gone too.
        if (made) await rmdir(real).catch(() => undefined);
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

async function openForRun(
  dir: string,
  real: string,
): Promise<{ previous: readonly string[]; hadManifest: boolean; staging: string }> {
  const manifest = await readManifest(real);
  const present = (await readdir(real)).filter((name) => name !== LOCK_FILE);
  if (!manifest && present.length > 0) {
    throw new BaleenError(
      'REPORT_DIR_NOT_OURS',
      `--report-dir ${dir} holds files baleen did not write (it has no ${MANIFEST_FILE})`,
      {
        hint: 'name a new or empty folder, or one a baleen run wrote; baleen never deletes what it did not write',
      },
    );
  }
  const previous = manifest?.entries ?? [];
  const foreign = reportFiles()
    .map(([, file]) => file.name)
    .find((name) => present.includes(name) && !previous.includes(name));
  if (foreign !== undefined) {
    throw new BaleenError(
      'REPORT_DIR_NOT_OURS',
      `${join(dir, foreign)} was not written by baleen (${MANIFEST_FILE} does not list it)`,
      {
        hint: 'move it away, or name another --report-dir',
      },
    );
  }
  const staging = await writable(dir, () => mkdtemp(join(real, '.baleen-staging-')));
  // Recorded at once, so a run that dies before its commit leaves a folder the next run may clear.
  await writable(dir, () => writeManifest(real, [...previous, basename(staging)]));
  return { previous, hadManifest: manifest !== undefined, staging };
}

async function ensureDirectory(dir: string): Promise<{ real: string; made: boolean }> {
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw unwritable(dir, error);
  });
  if (info && !info.isDirectory()) {
    throw new BaleenError('USAGE', `--report-dir ${dir} is a file, not a folder`, {
      hint: 'name a folder (it is made when missing)',
    });
  }
  if (!info) await writable(dir, () => mkdir(dir, { recursive: true }));
  return { real: await realpath(dir), made: !info };
}

async function writable<T>(dir: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw isBaleenError(error) ? error : unwritable(dir, error);
  }
}

function unwritable(dir: string, error: unknown): BaleenError {
  return new BaleenError('REPORT_DIR_UNWRITABLE', `cannot write the report dir ${dir}: ${messageOf(error)}`, {
    hint: 'make it writable, or name another --report-dir',
    cause: error,
  });
}

function writeManifest(dir: string, entries: Iterable<string>): Promise<void> {
  return writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifestOf(entries), null, 2)}\n`);
}

/**
 * The swap. The old entries are first moved aside (renaming a planted symlink moves the link, never its
 * target), then each new entry is placed only where nothing is: a name that appeared during the run and is
 * not baleen's keeps its owner's file, and this run's file stays in the staging folder, named in the error.
 */
async function commit(dir: string, previous: readonly string[], staging: string): Promise<void> {
  const stagingName = basename(staging);
  const aside = await mkdtemp(join(dir, '.baleen-old-'));
  await writeManifest(dir, [...previous, stagingName, basename(aside)]);
  for (const name of previous) {
    if (name === stagingName) continue;
    await rename(join(dir, name), join(aside, name)).catch(ignoreMissing);
  }
  const placed: string[] = [];
  const blocked: string[] = [];
  for (const name of await readdir(staging)) {
    ((await place(join(staging, name), join(dir, name))) ? placed : blocked).push(name);
  }
  await writeManifest(dir, blocked.length > 0 ? [...placed, stagingName] : placed);
  await rm(aside, { recursive: true, force: true });
  if (blocked.length > 0) {
    throw new Error(
      `${blocked.map((name) => join(dir, name)).join(', ')} appeared during the run and baleen did not write it; this run's copy is in ${staging}`,
    );
  }
  await rm(staging, { recursive: true, force: true });
}

/**
 * Removes the staging folder and takes it off the manifest: the folder is as the previous run left it (with
 * no manifest when it had none).
 */
async function discard(dir: string, previous: readonly string[] | undefined, staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
  if (previous === undefined) await rm(join(dir, MANIFEST_FILE), { force: true });
  else await writeManifest(dir, previous);
}

/** Moves `from` to `to` unless something is at `to`: false then, and nothing moved. */
async function place(from: string, to: string): Promise<boolean> {
  try {
    if ((await lstat(from)).isDirectory()) {
      // mkdir claims the name (it fails on anything there, a symlink included); the rename then replaces
      // that empty folder of ours.
      await mkdir(to);
      await rename(from, to);
    } else {
      await link(from, to).catch((error: NodeJS.ErrnoException) => {
        // A file system without hard links: copying with COPYFILE_EXCL claims the name just as safely.
        if (error.code === 'EEXIST') throw error;
        return copyFile(from, to, constants.COPYFILE_EXCL);
      });
      await unlink(from);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
