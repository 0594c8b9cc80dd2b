import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Creating, never opening: `wx` (O_CREAT | O_EXCL) fails on any name that exists, a symlink included, so no
 * write lands in a file someone planted under a name baleen was about to use.
 */
export const CREATE_ONLY = 'wx';

/**
 * Writes via a temporary file and a rename, so a reader (or a crash) never sees half a file. The temporary
 * name is unpredictable and created exclusively; the rename replaces whatever has the final name (a planted
 * symlink included) without following it.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, data, { flag: CREATE_ONLY });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
