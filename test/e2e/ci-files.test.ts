import { spawnSync } from 'node:child_process';
import { readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import type { RunSummary } from '../../src/reporters/summary.js';
import { CiStore, REPO_ROOT } from '../support/ci/ci-workspace.js';
import { runGithubWorkflow } from '../support/ci/github-actions.js';
import { runGitlabPipeline } from '../support/ci/gitlab-ci.js';
import { useScratch } from '../support/scratch.js';

useScratch('baleen-ci-files-');

/** The example project: a small suite with the files `baleen init` wrote (test/unit/init.test.ts keeps them equal). */
const EXAMPLE = join(REPO_ROOT, 'examples');
const WORKFLOW = '.github/workflows/baleen.yml';
const workspaces: string[] = [];
afterAll(() => Promise.all(workspaces.map((dir) => rm(dir, { recursive: true, force: true }))));

async function exampleFeatures(): Promise<string[]> {
  return (await readdir(join(EXAMPLE, 'features')))
    .filter((name) => name.endsWith('.feature'))
    .map((name) => `features/${name}`)
    .sort();
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

function validateWorkflow(path: string): { code: number | null; output: string } {
  const result = spawnSync(join(REPO_ROOT, 'node_modules/.bin/action-validator'), [path], { encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

/** Every shard ran a part of the suite, no feature twice; the merged report is the whole suite, passed. */
async function expectWholeSuite(shardReports: string[], mergedReport: string): Promise<void> {
  const all = await exampleFeatures();
  const perShard = await Promise.all(
    shardReports.map(async (dir) =>
      (await readJson<RunSummary>(join(dir, 'summary.json'))).features.map((f) => f.file),
    ),
  );
  expect(perShard.every((files) => files.length > 0)).toBe(true);
  expect(perShard.flat().sort()).toEqual(all);

  const merged = await readJson<RunSummary>(join(mergedReport, 'summary.json'));
  expect(merged.features.map((f) => [f.file, f.status])).toEqual(all.map((file) => [file, 'passed']));
  expect(merged.totals).toMatchObject({ features: all.length, passed: all.length, failed: 0, errors: 0 });
  const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
    await readFile(join(mergedReport, 'junit.xml'), 'utf8'),
  );
  expect([junit.testsuites.testsuite].flat()).toHaveLength(all.length);
}

// Each test is a whole pipeline (five baleen runs and five image builds): more than the e2e default of 180 s on a busy machine.
describe('the CI files `baleen init` writes, their commands run on the real engine', () => {
  it('GitHub Actions: a valid workflow; four shards run their parts; the last job merges the whole suite, publishes junit.xml and caches every timing', {
    timeout: 600_000,
  }, async () => {
    expect(validateWorkflow(join(EXAMPLE, WORKFLOW))).toMatchObject({ code: 0 });
    // The validator does reject a broken workflow (a job without runs-on).
    const broken = join(await mkdtemp(join(tmpdir(), 'baleen-workflow-')), 'broken.yml');
    workspaces.push(join(broken, '..'));
    await writeFile(broken, (await readFile(join(EXAMPLE, WORKFLOW), 'utf8')).replace(/^ {4}runs-on: .*$/m, ''));
    expect(validateWorkflow(broken).code).not.toBe(0);

    const store = await CiStore.create();
    workspaces.push(store.dir);
    const runs = await runGithubWorkflow(EXAMPLE, WORKFLOW, store, '101');
    workspaces.push(...runs.map((run) => run.workspace));
    const shards = runs.filter((run) => run.job === 'features');
    expect(shards.map((run) => run.matrix?.shard)).toEqual([1, 2, 3, 4]);
    for (const run of runs)
      expect(run.failed, run.steps.map((step) => `$ ${step.command}\n${step.output}`).join('\n')).toBe(false);
    expect(shards[1]!.steps.map((step) => step.command)).toContain(
      'npx baleen project suite --shard 2/4 --report-dir shards/2',
    );

    const report = runs.find((run) => run.job === 'report')!;
    await expectWholeSuite(
      shards.map((run) => join(run.workspace, 'shards', String(run.matrix!.shard))),
      join(report.workspace, 'baleen-report'),
    );
    // The next run's shards restore a history that knows every feature.
    const next = join(store.dir, 'next');
    expect(await store.restore('cache', 'baleen-timings-101', next)).toBe(true);
    const timings = await readJson<{ features: Record<string, unknown> }>(join(next, '.baleen/timings.json'));
    expect(Object.keys(timings.features).sort()).toEqual(await exampleFeatures());
  });

  it('GitLab CI: four parallel jobs run their parts; the report job merges the whole suite and pushes the timing history', {
    timeout: 600_000,
  }, async () => {
    const store = await CiStore.create();
    workspaces.push(store.dir);
    const runs = await runGitlabPipeline(EXAMPLE, store);
    workspaces.push(...runs.map((run) => run.workspace));
    const shards = runs.filter((run) => run.job === 'features');
    expect(shards.map((run) => run.nodeIndex)).toEqual([1, 2, 3, 4]);
    for (const run of runs)
      expect(run.failed, run.steps.map((step) => `$ ${step.command}\n${step.output}`).join('\n')).toBe(false);

    const report = runs.find((run) => run.job === 'report')!;
    await expectWholeSuite(
      shards.map((run) => join(run.workspace, 'shards', String(run.nodeIndex))),
      join(report.workspace, 'baleen-report'),
    );
    const next = join(store.dir, 'next');
    expect(await store.restore('cache', 'baleen-timings', next)).toBe(true);
    const timings = await readJson<{ features: Record<string, unknown> }>(join(next, '.baleen/timings.json'));
    expect(Object.keys(timings.features).sort()).toEqual(await exampleFeatures());
  });
});
