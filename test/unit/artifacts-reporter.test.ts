import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactsReporter } from '../../src/reporters/files/artifacts-reporter.js';
import { featureResult } from '../support/run-fixtures.js';

let root: string;
let reportDir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'baleen-artifacts-'));
  reportDir = join(root, 'report');
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function files(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

function reporter(): ArtifactsReporter {
  const artifacts = new ArtifactsReporter();
  artifacts.onBegin({ runId: 'r', image: 'i', features: [], concurrency: 1, startedAt: new Date(), reportDir });
  return artifacts;
}

const piece = (file: string, attempt: number, path: string, data: string, end = true) => ({
  file,
  attempt,
  path,
  data: Buffer.from(data),
  end,
});

describe('ArtifactsReporter: collected files written as they arrive', () => {
  it("keeps the last attempt's whole files only: a retried attempt's and a file its result does not list go", async () => {
    const artifacts = reporter();
    const file = 'features/a.feature';
    artifacts.onFeatureArtifact(piece(file, 1, 'shots/a.txt', 'first'));
    artifacts.onFeatureRetry(featureResult({ file, attempt: 1, status: 'failed', artifacts: { files: [] } }));
    artifacts.onFeatureArtifact(piece(file, 2, 'shots/a.txt', 'sec', false));
    artifacts.onFeatureArtifact(piece(file, 2, 'shots/a.txt', 'ond'));
    // Cut by the cap: its pieces came, its end never did, and the result does not list it.
    artifacts.onFeatureArtifact(piece(file, 2, 'shots/cut.bin', 'half', false));
    artifacts.onFeatureResult(
      featureResult({ file, attempt: 2, artifacts: { files: [{ path: 'shots/a.txt', bytes: 6 }] } }),
    );
    await artifacts.onEnd();
    expect(await files(join(reportDir, 'artifacts'))).toEqual(['features/a.feature/shots/a.txt']);
    expect(await readFile(join(reportDir, 'artifacts/features/a.feature/shots/a.txt'), 'utf8')).toBe('second');
  });

  it("puts a scenario job's files under line-<line>/ of its feature, as the feature's result lists them", async () => {
    const artifacts = reporter();
    artifacts.onFeatureArtifact(piece('features/s.feature:3', 1, 'x.txt', 'three'));
    artifacts.onFeatureArtifact(piece('features/s.feature:7', 1, 'x.txt', 'seven'));
    artifacts.onFeatureResult(
      featureResult({
        file: 'features/s.feature',
        artifacts: {
          files: [
            { path: 'line-3/x.txt', bytes: 5 },
            { path: 'line-7/x.txt', bytes: 5 },
          ],
        },
      }),
    );
    await artifacts.onEnd();
    expect(await files(join(reportDir, 'artifacts'))).toEqual([
      'features/s.feature/line-3/x.txt',
      'features/s.feature/line-7/x.txt',
    ]);
  });

  it('writes nothing outside artifacts/, whatever a server names, and says so at the end', async () => {
    const artifacts = reporter();
    artifacts.onFeatureArtifact(piece('../../outside.feature', 1, 'x.txt', 'x'));
    artifacts.onFeatureArtifact(piece('features/a.feature', 1, '../../../outside.txt', 'x'));
    await expect(artifacts.onEnd()).rejects.toThrow(/could not write 2 collected files: .*leaves/);
    expect(await files(root)).toEqual([]);
  });
});
