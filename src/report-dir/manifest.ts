import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BaleenError } from '../errors/baleen-error.js';
import { LOCK_FILE } from './run-lock.js';
import { parseJsonOrUndefined } from '../util/parse-json.js';

/**
 * The report dir's record of what baleen wrote there: the only names a later run may clear. It lives in the
 * report dir itself, so a folder without it is not baleen's to touch.
 */
export const MANIFEST_FILE = '.baleen-manifest.json';

/** One name directly in the report dir: never a path, so a tampered manifest cannot point anywhere else. */
const EntryName = z
  .string()
  .min(1)
  .refine(
    (name) => !/[\\/]/.test(name) && name !== '.' && name !== '..' && name !== MANIFEST_FILE && name !== LOCK_FILE,
    'a plain file name',
  );

export const ManifestSchema = z.strictObject({
  writtenBy: z.literal('baleen'),
  version: z.literal(1),
  entries: z.array(EntryName),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function manifestOf(entries: Iterable<string>): Manifest {
  return { writtenBy: 'baleen', version: 1, entries: [...new Set(entries)].sort() };
}

/** The manifest of `dir`, or undefined when there is none; a file by that name that is not one is refused. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = ManifestSchema.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success) {
    throw new BaleenError('REPORT_DIR_NOT_OURS', `${path} is not a manifest baleen wrote`, {
      hint: 'remove it yourself if that folder is a baleen report, or name another --report-dir',
    });
  }
  return parsed.data;
}
