import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import pLimit from 'p-limit';
import type { FeaturePlan } from '../domain/feature-plan.js';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import { parseFeature } from './parse-feature.js';

/** Files read at once: enough to keep the disk busy, few enough to stay far from the open-file limit. */
const READ_CONCURRENCY = 16;

/**
 * Reads and parses each feature file (paths relative to `cwd`, as resolveFeatures returns them), in the order
 * given. A file that cannot be read is a usage error naming it; a file that does not parse is a plan of kind
 * `parse-error`, not an exception: it is a failed feature, found without a container.
 */
export async function planFeatures(files: readonly string[], cwd: string): Promise<FeaturePlan[]> {
  const limit = pLimit(READ_CONCURRENCY);
  return Promise.all(files.map((file) => limit(async () => parseFeature(file, await readFeature(file, cwd)))));
}

async function readFeature(file: string, cwd: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (problem) {
    throw new BaleenError('USAGE', `could not read feature file ${file}: ${messageOf(problem)}`, {
      hint: 'check that the file exists and is readable',
    });
  }
}
