import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import type { RunSummary } from '../../src/reporters/summary.js';
import { planShards } from '../../src/shards/shard.js';
import { TimingHistory } from '../../src/timings/timing-history.js';
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

/**
 * A timing history that splits the example suite otherwise than none does (words.feature long, fizzbuzz short):
 * what a newer cache, or another runner's, hands some shards and not others.
 */
const SKEWED_TIMINGS = {
  version: 2,
  features: {
    'features/words.feature': [{ ms: 10_000, concurrency: 1, cpus: 1 }],
    'features/fizzbuzz.feature': [{ ms: 100, concurrency: 1, cpus: 1 }],
  },
};

/** Puts a cache entry holding the skewed history into the CI store, as another pipeline's job would save it. */
async function landSkewedCache(store: CiStore, key: string): Promise<void> {
  const dir = join(store.dir, 'cache', key, '.baleen');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'timings.json'), JSON.stringify(SKEWED_TIMINGS));
}

/** The shards were given different caches, and those caches would split the suite differently. */
async function expectDifferentCaches(shardWorkspaces: string[]): Promise<void> {
  const had = shardWorkspaces.map((workspace) => existsSync(join(workspace, '.baleen/timings.json')));
  expect(had).toEqual([false, true, true, true]);
  const features = await exampleFeatures();
  const skewed = join(shardWorkspaces[1]!, '.baleen/timings.json');
  expect(planShards(features, 4, await TimingHistory.load(skewed)).id).not.toBe(
    planShards(features, 4, TimingHistory.empty()).id,
  );
}

/** Every shard ran its part of one plan, no feature twice; the merged report is the whole suite, passed. */
async function expectWholeSuite(shardReports: string[], mergedReport: string, planFile: string): Promise<void> {
  const all = await exampleFeatures();
  const plan = await readJson<{ id: string }>(planFile);
  const summaries = await Promise.all(shardReports.map((dir) => readJson<RunSummary>(join(dir, 'summary.json'))));
  expect(summaries.map((summary) => summary.shard?.plan)).toEqual(shardReports.map(() => plan.id));
  const perShard = summaries.map((summary) => summary.features.map((f) => f.file));
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

// Each test is a whole pipeline (six baleen runs and four image builds): more than the e2e default of 180 s on a busy machine.
describe('the CI files `baleen init` writes, their commands run on the real engine', () => {
  it('GitHub Actions: a valid workflow; one plan; four shards given different caches run their parts of it; the last job merges the whole suite, publishes junit.xml and caches every timing', {
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
    // The plan job and shard 1 find no cache; before shard 2 restores, another pipeline's newer cache lands.
    const runs = await runGithubWorkflow(EXAMPLE, WORKFLOW, store, '101', async (job, matrix) => {
      if (job === 'features' && matrix?.shard === 2) await landSkewedCache(store, 'baleen-timings-100');
    });
    workspaces.push(...runs.map((run) => run.workspace));
    const shards = runs.filter((run) => run.job === 'features');
    expect(runs.map((run) => run.job)).toEqual(['plan', 'features', 'features', 'features', 'features', 'report']);
    expect(shards.map((run) => run.matrix?.shard)).toEqual([1, 2, 3, 4]);
    for (const run of runs)
      expect(run.failed, run.steps.map((step) => `$ ${step.command}\n${step.output}`).join('\n')).toBe(false);
    expect(shards[1]!.steps.map((step) => step.command)).toContain(
      'npx baleen project suite --shard 2/4 --plan baleen-plan.json --report-dir shards/2',
    );
    await expectDifferentCaches(shards.map((run) => run.workspace));

    const report = runs.find((run) => run.job === 'report')!;
    await expectWholeSuite(
      shards.map((run) => join(run.workspace, 'shards', String(run.matrix!.shard))),
      join(report.workspace, 'baleen-report'),
      join(runs[0]!.workspace, 'baleen-plan.json'),
    );
    // The next run's shards restore a history that knows every feature.
    const next = join(store.dir, 'next');
    expect(await store.restore('cache', 'baleen-timings-101', next)).toBe(true);
    const timings = await readJson<{ features: Record<string, unknown> }>(join(next, '.baleen/timings.json'));
    expect(Object.keys(timings.features).sort()).toEqual(await exampleFeatures());
  });

  it('GitLab CI: one plan; four parallel jobs whose runners hold different caches run their parts of it; the report job merges the whole suite and pushes the timing history', {
    timeout: 600_000,
  }, async () => {
    const store = await CiStore.create();
    workspaces.push(store.dir);
    // GitLab keeps caches per runner: the plan job's and shard 1's runner have none, the others' one that
    // another pipeline left.
    const runs = await runGitlabPipeline(EXAMPLE, store, async (job, nodeIndex) => {
      if (job === 'features' && nodeIndex === 2) await landSkewedCache(store, 'baleen-timings');
    });
    workspaces.push(...runs.map((run) => run.workspace));
    const shards = runs.filter((run) => run.job === 'features');
    expect(runs.map((run) => run.job)).toEqual(['plan', 'features', 'features', 'features', 'features', 'report']);
    expect(shards.map((run) => run.nodeIndex)).toEqual([1, 2, 3, 4]);
    for (const run of runs)
      expect(run.failed, run.steps.map((step) => `$ ${step.command}\n${step.output}`).join('\n')).toBe(false);
    await expectDifferentCaches(shards.map((run) => run.workspace));

    const report = runs.find((run) => run.job === 'report')!;
    await expectWholeSuite(
      shards.map((run) => join(run.workspace, 'shards', String(run.nodeIndex))),
      join(report.workspace, 'baleen-report'),
      join(runs[0]!.workspace, 'baleen-plan.json'),
    );
    const next = join(store.dir, 'next');
    expect(await store.restore('cache', 'baleen-timings', next)).toBe(true);
    const timings = await readJson<{ features: Record<string, unknown> }>(join(next, '.baleen/timings.json'));
    expect(Object.keys(timings.features).sort()).toEqual(await exampleFeatures());
  });
});
