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

  it('refuses to merge a folder that is not a report', async () => {
    const result = await baleen(['merge', scratch.dir, '--report-dir', scratch.path('m2')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has no results\.json/);
  });
});
