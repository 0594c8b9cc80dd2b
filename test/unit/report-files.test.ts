import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestOf, MANIFEST_FILE } from '../../src/report-dir/manifest.js';
import { stageReportDir } from '../../src/report-dir/report-dir.js';
import { REPORT_FILES, reportFiles } from '../../src/report-dir/report-files.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A report dir baleen wrote (its manifest lists only `notes.txt`), holding a file or folder of this name it did not. */
async function plantedDir(name: string, folder: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'baleen-report-files-'));
  dirs.push(dir);
  await writeFile(join(dir, MANIFEST_FILE), JSON.stringify(manifestOf(['notes.txt'])));
  await writeFile(join(dir, 'notes.txt'), 'an earlier run\n');
  if (folder) await mkdir(join(dir, name));
  else await writeFile(join(dir, name), 'mine\n');
  return dir;
}

describe('the report files registry (report-dir/report-files.ts)', () => {
  // Before it, the report dir knew six of the nine names: a user's cucumber.html, messages.ndjson or artifacts/
  // under a manifest that did not list them passed the check, and the run failed only at its end.
  it.each(reportFiles().map(([, file]) => [file.name, file.folder === true] as const))(
    'a report dir refuses to start a run over a %s that baleen did not write',
    async (name, folder) => {
      const dir = await plantedDir(name, folder);
      await expect(stageReportDir(dir)).rejects.toMatchObject({ code: 'REPORT_DIR_NOT_OURS' });
      expect(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')).entries).toEqual(['notes.txt']);
    },
  );

  it('names each file once, as a plain name in the report dir', () => {
    const names = Object.values(REPORT_FILES).map((file) => file.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[^/\\]+$/);
  });
});
