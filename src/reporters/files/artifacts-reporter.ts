import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FeatureResult } from '../../domain/feature-run.js';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { resolveInside } from '../../util/inside-root.js';
import { CREATE_ONLY } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';

export const ARTIFACTS_DIR = 'artifacts';

/** Where a feature's collected files go, relative to the report dir: `artifacts/<feature path>/`. */
export function artifactsDirOf(file: string): string {
  return `${ARTIFACTS_DIR}/${file}/`;
}

/**
 * artifacts/: the files --collect brought back from each feature's container (its last attempt's), under the
 * feature's path, each by its path in the container. Files are created, never opened: nothing is written
 * through a name that exists, and no path leaves the feature's folder, nor a feature's folder artifacts/
 * (resolveInside refuses them, whatever the server or the container sent).
 */
export class ArtifactsReporter implements Reporter {
  readonly name = ARTIFACTS_DIR;

  async onEnd(outcome: RunOutcome): Promise<void> {
    const problems: string[] = [];
    for (const result of outcome.results) problems.push(...(await writeArtifacts(outcome.info.reportDir, result)));
    if (problems.length > 0)
      throw new Error(
        `could not write ${problems.length} collected file${problems.length === 1 ? '' : 's'}: ${problems.slice(0, 3).join('; ')}`,
      );
  }
}

async function writeArtifacts(reportDir: string, result: FeatureResult): Promise<string[]> {
  const problems: string[] = [];
  for (const file of result.artifacts?.files ?? []) {
    try {
      const target = resolveInside(resolveInside(join(reportDir, ARTIFACTS_DIR), result.file), file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, Buffer.from(file.data, 'base64'), { flag: CREATE_ONLY });
    } catch (error) {
      problems.push(
        `${join(artifactsDirOf(result.file), file.path)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return problems;
}
