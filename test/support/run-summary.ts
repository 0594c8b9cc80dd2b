import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunSummary } from '../../src/reporters/summary.js';

/** The summary.json a run wrote to its report dir. */
export const summaryOf = async (dir: string) =>
  JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;

/** A run's features by their file. */
export const byFile = (summary: RunSummary) =>
  Object.fromEntries(summary.features.map((feature) => [feature.file, feature]));

/** A run's feature statuses by their file. */
export const statusesOf = (summary: RunSummary) =>
  Object.fromEntries(summary.features.map((feature) => [feature.file, feature.status]));
