import { readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { BaleenError } from '../errors/baleen-error.js';
import { parseJsonOrUndefined } from '../util/parse-json.js';
import { CREATE_ONLY } from '../util/write-file-atomic.js';
import { goneFromThisHost } from '../util/process-alive.js';

/** Held by the one run that writes a report dir: two at once would clear each other's staging folders. */
export const LOCK_FILE = '.baleen-lock';

const HolderSchema = z.strictObject({ pid: z.number().int().positive(), host: z.string() });
type Holder = z.infer<typeof HolderSchema>;

/**
 * Claims `dir` for this run and returns the release. A lock whose run is gone (a process of this host that
 * no longer exists: a run killed before its end) is taken over; any other is refused, naming its holder.
 */
export async function claimReportDir(dir: string, shownAs: string): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname() };
  for (;;) {
    try {
      await writeFile(path, JSON.stringify(me), { flag: CREATE_ONLY });
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = HolderSchema.safeParse(parseJsonOrUndefined(await readFile(path, 'utf8').catch(() => '')));
    if (!holder.success || !goneFromThisHost(holder.data.host, holder.data.pid)) {
      const who = holder.success ? `baleen process ${holder.data.pid} on ${holder.data.host}` : 'another baleen run';
      throw new BaleenError('REPORT_DIR_IN_USE', `--report-dir ${shownAs} is being written by ${who}`, {
        hint: `give each run its own --report-dir (remove ${path} if no run is writing there)`,
      });
    }
    await rm(path, { force: true });
  }
}
