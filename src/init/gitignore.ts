import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What baleen writes into a suite's folder that git should not track: the report and the timing history. */
export const IGNORED = ['baleen-report/', '.baleen/'] as const;

/** What became of .gitignore: made, added to, or left as it was (it ignored them already). */
export type GitignoreChange = { kind: 'created' | 'appended'; added: string[] } | { kind: 'kept' };

/** `/baleen-report`, `baleen-report/` and `baleen-report` name the same folder for this purpose. */
const bare = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');

/**
 * Adds the entries .gitignore lacks, at its end, never twice (an entry spelt another way counts); makes the
 * file when there is none. The rest of the file is left byte for byte.
 */
export async function ensureGitignored(cwd: string, entries: readonly string[] = IGNORED): Promise<GitignoreChange> {
  const path = join(cwd, '.gitignore');
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const present = new Set((text ?? '').split('\n').map(bare));
  const added = entries.filter((entry) => !present.has(bare(entry)));
  if (added.length === 0) return { kind: 'kept' };
  const start = text === undefined || text === '' || text.endsWith('\n') ? '' : '\n';
  await writeFile(path, `${text ?? ''}${start}${added.join('\n')}\n`);
  return { kind: text === undefined ? 'created' : 'appended', added };
}
