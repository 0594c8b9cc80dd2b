import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countScenarios } from '../../src/cucumber-json/scenarios.js';
import type { CucumberJson } from '../../src/domain/cucumber-json.js';
import type { RunSummary } from '../../src/reporters/summary.js';
import { shellQuote } from '../../src/util/shell-quote.js';
import { runCli } from '../support/cli.js';
import { HOSTILE_FEATURES, HOSTILE_IMAGE, HOSTILE_SUITE } from '../support/hostile-suite.js';
import { summaryOf } from '../support/run-summary.js';
import { useScratch } from '../support/scratch.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-hostile-steps-');
const FEATURES = Object.keys(HOSTILE_FEATURES).sort();

/**
 * cucumber-js itself, run directly in the same image, once per group of features (one process each): its exit
 * code, and whether it finished its run (its JSON report is written at the end: a process that ended mid-run,
 * even with exit 0, wrote none). One container for every group.
 */
function cucumberJs(groups: readonly (readonly string[])[]): { code: number; finished: boolean }[] {
  const script = groups
    .map(
      (files) =>
        `rm -f /tmp/r.json; cucumber-js ${files.map(shellQuote).join(' ')} --format json:/tmp/r.json >/dev/null 2>&1; ` +
        `c=$?; if [ -s /tmp/r.json ]; then echo "$c 1"; else echo "$c 0"; fi`,
    )
    .join('\n');
  const out = execFileSync('docker', ['run', '--rm', HOSTILE_IMAGE, 'sh', '-c', script], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [code, finished] = line.split(' ');
      return { code: Number(code), finished: finished === '1' };
    });
}

/**
 * What cucumber-js's verdict is: it passes a run that exits 0 having finished it. One that exits 0 without
 * finishing (a step's `process.exit(0)`) is not a pass baleen may give: nothing shows its scenarios ran.
 */
const passes = (ran: { code: number; finished: boolean }) => ran.code === 0 && ran.finished;

let alone: Record<string, boolean> = {};

async function baleen(mode: readonly string[]) {
  const dir = scratch.reportDir();
  const result = await runCli(
    [
      'cucumber',
      '--image',
      HOSTILE_IMAGE,
      '--files',
      ...FEATURES,
      '--concurrency',
      '2',
      '--report-dir',
      dir,
      '--timings',
      scratch.path(`timings-${mode.join('-')}.json`),
      ...mode,
    ],
    { cwd: scratch.path('suite') },
  );
  const summary = await summaryOf(dir);
  const report = JSON.parse(await readFile(join(dir, 'cucumber.json'), 'utf8')) as CucumberJson;
  return { ...result, summary, report };
}

const verdicts = (summary: RunSummary) =>
  Object.fromEntries(summary.features.map((feature) => [feature.file, feature.status === 'passed']));

describe('hostile steps: one verdict per step kind, whatever the isolation, equal to cucumber-js in the image', () => {
  beforeAll(async () => {
    await buildSuiteImage(scratch.path('suite'), HOSTILE_IMAGE, HOSTILE_SUITE);
    const ran = cucumberJs(FEATURES.map((file) => [file]));
    alone = Object.fromEntries(FEATURES.map((file, index) => [file, passes(ran[index]!)]));
    // The reference is cucumber-js's, not this test's: it still has to tell the kinds apart to mean anything.
    expect(alone).toMatchObject({ 'features/passes.feature': true, 'features/fails.feature': false });
  }, 300_000);

  it.each([
    ['--isolation', 'feature'],
    ['--isolation', 'worker'],
    ['--split', 'scenarios'],
  ])(
    '%s %s',
    async (...mode) => {
      const { code, summary, report } = await baleen(mode);
      expect(code).toBe(1);
      expect(verdicts(summary)).toEqual(alone);
      // A scenario its own hook skipped is counted once, as skipped; a feature without a scenario to run holds none.
      const scenarios = (uri: string) =>
        report.filter((feature) => feature.uri === uri).flatMap((feature) => feature.elements ?? []);
      expect(scenarios('features/hook-skips.feature').map((scenario) => scenario.line)).toEqual([3, 6]);
      const hookSkips = report.filter((feature) => feature.uri === 'features/hook-skips.feature');
      expect(countScenarios(hookSkips)).toMatchObject({ passed: 1, skipped: 1, failed: 0 });
      expect(scenarios('features/background-only.feature')).toEqual([]);
      expect(scenarios('features/empty-examples.feature')).toEqual([]);
    },
    600_000,
  );

  it('--batch 2', async () => {
    const { code, summary } = await baleen(['--batch', '2']);
    expect(code).toBe(1);
    // A batch is one cucumber-js process: a step that ends it ends every feature of the batch, as cucumber-js
    // run over the same files would. Each feature of a batch that finished is judged by its own scenarios.
    const byLog = new Map<string, string[]>();
    for (const feature of summary.features) {
      const log = feature.logs?.stdout ?? feature.file;
      byLog.set(log, [...(byLog.get(log) ?? []), feature.file]);
    }
    const batches = [...byLog.values()];
    expect(batches.flat().sort()).toEqual(FEATURES);
    const ran = cucumberJs(batches);
    const expected = Object.fromEntries(
      batches.flatMap((files, index) => files.map((file) => [file, ran[index]!.finished && alone[file]!])),
    );
    expect(verdicts(summary)).toEqual(expected);
  }, 600_000);
});
