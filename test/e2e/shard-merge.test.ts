import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/reporters/summary.js';
import { runCli } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

const scratch = useScratch('baleen-shard-');

const FILES = [
  'features/pass.feature',
  'features/fail.feature',
  'features/with space.feature',
  'features/café ünïcode.feature',
];
const summaryOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary;
const baleen = (args: string[]) => runCli(args, { cwd: FIXTURE_SUITE });

describe('timing history, sharding and merging', () => {
  it('records durations, and starts the feature the history says is longest first', async () => {
    const timings = scratch.path('timings.json');
    const first = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      ...FILES,
      '--timings',
      timings,
      '--report-dir',
      scratch.path('r0'),
    ]);
    expect(first.code).toBe(1);
    const recorded = JSON.parse(await readFile(timings, 'utf8')) as {
      features: Record<string, { ms: number; concurrency: number; cpus: number }[]>;
    };
    expect(Object.keys(recorded.features).sort()).toEqual([...FILES].sort());

    recorded.features['features/with space.feature'] = [{ ms: 60_000, concurrency: 1, cpus: 1 }];
    await writeFile(timings, JSON.stringify(recorded));
    const second = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      ...FILES,
      '--timings',
      timings,
      '--concurrency',
      '1',
      '--report-dir',
      scratch.path('r1'),
    ]);
    // One slot: features finish in the order they start.
    const finished = [...second.stdout.matchAll(/(?:PASS|FAIL)\s+(features\/.+?\.feature)/g)].map((m) => m[1]);
    expect(finished[0]).toBe('features/with space.feature');
    expect(second.stdout).toMatch(/expected \d.*from the timing history/);
    expect((await summaryOf(scratch.path('r1'))).expectedDurationMs).toBeGreaterThan(60_000);
  });

  it('splits a suite into disjoint shards and merges their reports into one', async () => {
    // Every CI machine starts from the same history (here: none), as shards run side by side.
    const shardDirs = [scratch.path('shard-1'), scratch.path('shard-2')];
    for (const [i, dir] of shardDirs.entries()) {
      const timings = scratch.path(`shard-${i + 1}-timings.json`);
      await baleen([
        'cucumber',
        '--image',
        TEST_IMAGE,
        '--files',
        ...FILES,
        '--timings',
        timings,
        '--shard',
        `${i + 1}/2`,
        '--report-dir',
        dir,
      ]);
    }
    const shards = await Promise.all(shardDirs.map(async (dir) => (await summaryOf(dir)).features.map((f) => f.file)));
    expect(shards[0]!.length).toBeGreaterThan(0);
    expect(shards[1]!.length).toBeGreaterThan(0);
    expect([...shards[0]!, ...shards[1]!].sort()).toEqual([...FILES].sort());

    const mergedDir = scratch.path('merged');
    const merged = await baleen(['merge', ...shardDirs, '--report-dir', mergedDir]);
    expect(merged.code).toBe(1);
    const summary = await summaryOf(mergedDir);
    expect(summary.totals).toMatchObject({ features: 4, passed: 3, failed: 1 });
    expect((await readFile(join(mergedDir, 'junit.xml'), 'utf8')).match(/<testsuite /g)).toHaveLength(4);
    expect(await readFile(join(mergedDir, 'logs/features/fail.feature.stdout.log'), 'utf8')).toContain('a wrong sum');
    expect(await readFile(join(mergedDir, 'index.html'), 'utf8')).toContain('a wrong sum');
  });

  /** A timing history (version 2) with these durations, each recorded at one container per CPU. */
  const writeTimings = async (name: string, durations: Record<string, number>): Promise<string> => {
    const path = scratch.path(name);
    const features = Object.fromEntries(
      Object.entries(durations).map(([file, ms]) => [file, [{ ms, concurrency: 1, cpus: 1 }]]),
    );
    await writeFile(path, JSON.stringify({ version: 2, features }));
    return path;
  };
  const shardRun = (index: number, dir: string, timings: string, more: string[] = []) =>
    baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      ...FILES,
      '--timings',
      timings,
      '--shard',
      `${index}/2`,
      '--report-dir',
      dir,
      ...more,
    ]);
  const mergedFiles = async (dir: string) => (await summaryOf(dir)).features.map((f) => [f.file, f.status]);

  it("keeps every shard's collected files (--collect) in the merged report, as its logs", async () => {
    // results.json lists each feature's collected files; the files themselves are only in the shard's folder.
    const timings = await writeTimings('collect-timings.json', {});
    const dirs = [scratch.path('collect-1'), scratch.path('collect-2')];
    const collect = ['--before-command', 'printf "shot of $BALEEN_FEATURE" > shot.txt', '--collect', 'shot.txt'];
    for (const [at, dir] of dirs.entries()) await shardRun(at + 1, dir, timings, collect);
    const mergedDir = scratch.path('collect-merged');
    const merged = await baleen(['merge', ...dirs, '--report-dir', mergedDir]);
    expect(merged.code, merged.stdout + merged.stderr).toBe(1);
    expect(merged.stdout).toMatch(/^report: .*\(also .*artifacts\/\)$/m);
    for (const file of FILES) {
      expect(await readFile(join(mergedDir, 'artifacts', file, 'shot.txt'), 'utf8'), file).toBe(`shot of ${file}`);
      expect(await readFile(join(mergedDir, 'logs', `${file}.stdout.log`), 'utf8'), file).not.toBe('');
    }
  });

  it('fails the merge of shards that split by different timing histories, naming what ran nowhere or twice', async () => {
    // CI caches differ between shards: shard 1 found no history, shard 2 one that says fail.feature is long.
    // Split apart, shard 1 runs café and pass, shard 2 pass and with space: fail.feature runs nowhere.
    const none = scratch.path('no-history.json');
    const skewed = await writeTimings('skewed.json', {
      'features/fail.feature': 10_000,
      'features/café ünïcode.feature': 100,
    });
    const dirs = [scratch.path('apart-1'), scratch.path('apart-2')];
    expect((await shardRun(1, dirs[0]!, none)).code).toBe(0);
    expect((await shardRun(2, dirs[1]!, skewed)).code).toBe(0);
    const merged = await baleen(['merge', ...dirs, '--report-dir', scratch.path('apart-merged')]);
    expect(merged.code, merged.stdout + merged.stderr).toBe(1);
    const line = merged.stderr.split('\n').find((text) => text.startsWith('baleen: the shards'));
    expect(line).toMatch(/followed different plans/);
    expect(line).toMatch(/1 feature ran in no shard: features\/fail\.feature/);
    expect(line).toMatch(/1 feature ran in more than one shard: features\/pass\.feature \(shards 1, 2\)/);
    // Every report shows the feature that ran nowhere as not run, and the run as failed.
    const summary = await summaryOf(scratch.path('apart-merged'));
    expect(summary.status).toBe('failed');
    expect(await mergedFiles(scratch.path('apart-merged'))).toContainEqual(['features/fail.feature', 'unfinished']);
  });

  it("splits alike in every shard that reads one plan (baleen plan), whatever each shard's timing history", async () => {
    const planned = await baleen([
      'plan',
      '--files',
      ...FILES,
      '--shards',
      '2',
      '--timings',
      scratch.path('no-history.json'),
      '--out',
      scratch.path('plan.json'),
    ]);
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    const skewed = await writeTimings('skewed-2.json', { 'features/fail.feature': 10_000 });
    const dirs = [scratch.path('planned-1'), scratch.path('planned-2')];
    const plan = ['--plan', scratch.path('plan.json')];
    await shardRun(1, dirs[0]!, scratch.path('no-history.json'), plan);
    await shardRun(2, dirs[1]!, skewed, plan);
    const merged = await baleen(['merge', ...dirs, '--report-dir', scratch.path('planned-merged')]);
    // fail.feature fails: the merge says so by its exit code, and about the set of shards it says nothing.
    expect(merged.code).toBe(1);
    expect(merged.stderr).not.toMatch(/the shards/);
    expect(await mergedFiles(scratch.path('planned-merged'))).toEqual([
      ['features/café ünïcode.feature', 'passed'],
      ['features/fail.feature', 'failed'],
      ['features/pass.feature', 'passed'],
      ['features/with space.feature', 'passed'],
    ]);
  });

  it('keeps the split of shards run one after another in one checkout: a shard does not rewrite the timing history', async () => {
    // With this history shard 1 runs fail and with space; had it recorded their (much shorter) times, shard 2
    // would split again and run the same two.
    const timings = await writeTimings('one-checkout.json', {
      'features/fail.feature': 60_000,
      'features/with space.feature': 60_000,
      'features/pass.feature': 60_000,
      'features/café ünïcode.feature': 1,
    });
    const dirs = [scratch.path('seq-1'), scratch.path('seq-2')];
    await shardRun(1, dirs[0]!, timings);
    await shardRun(2, dirs[1]!, timings);
    const shards = await Promise.all(dirs.map(async (dir) => (await summaryOf(dir)).features.map((f) => f.file)));
    expect(shards).toEqual([
      ['features/fail.feature', 'features/with space.feature'],
      ['features/café ünïcode.feature', 'features/pass.feature'],
    ]);
    // The merge records every shard's durations, once.
    const merged = await baleen(['merge', ...dirs, '--report-dir', scratch.path('seq-merged'), '--timings', timings]);
    expect(merged.stderr).not.toMatch(/the shards/);
    const recorded = JSON.parse(await readFile(timings, 'utf8')) as { features: Record<string, unknown[]> };
    expect(Object.values(recorded.features).map((runs) => runs.length)).toEqual([2, 2, 2, 2]);
  });

  it('fails the merge of a shard without the others, naming the missing shards and their features', async () => {
    const dir = scratch.path('alone-1');
    const files = ['features/pass.feature', 'features/with space.feature'];
    const run = await baleen([
      'cucumber',
      '--image',
      TEST_IMAGE,
      '--files',
      ...files,
      '--timings',
      scratch.path('alone-timings.json'),
      '--shard',
      '1/2',
      '--report-dir',
      dir,
    ]);
    expect(run.code).toBe(0);
    const merged = await baleen(['merge', dir, '--report-dir', scratch.path('alone-merged')]);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toMatch(
      /^baleen: the shards are not one whole pipeline: shard 2 of 2 missing; 1 feature ran in no shard: features\/with space\.feature/m,
    );
  });

  it('refuses to merge a folder that is not a report', async () => {
    const result = await baleen(['merge', scratch.dir, '--report-dir', scratch.path('m2')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has no results\.json/);
  });
});
