import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShardSet, type MergedRun } from '../../src/client/shard-set.js';
import { shardPlanOf, type ShardPlan } from '../../src/domain/shard-plan.js';
import { featuresOfShard, readPlanFile, writePlanFile } from '../../src/shards/plan-file.js';

const PLAN = shardPlanOf([
  ['a', 'c'],
  ['b', 'd'],
]);
const shard = (index: number, features: string[], plan: ShardPlan | undefined = PLAN, total = 2): MergedRun => ({
  dir: `shards/${index}`,
  info: { features, shard: { index, total, ...(plan ? { plan } : {}) } },
});

describe("baleen merge's check of the set of shards", () => {
  it('says nothing of every shard of one plan, each feature once', () => {
    expect(checkShardSet([shard(1, ['a', 'c']), shard(2, ['b', 'd'])])).toEqual({ ranNowhere: [] });
  });

  it('names the shards that split by another plan, the feature that ran nowhere and the one that ran twice', () => {
    // The issue's case: shard 2's cache said d is long, so it split otherwise.
    const other = shardPlanOf([
      ['a', 'd'],
      ['b', 'c'],
    ]);
    const check = checkShardSet([shard(1, ['a', 'c']), shard(2, ['b', 'c'], other)]);
    expect(check.ranNowhere).toEqual(['d']);
    expect(check.problem).toBe(
      `the shards are not one whole pipeline: the shards followed different plans (shard 1: ${PLAN.id}, shard 2: ${other.id}); 1 feature ran in no shard: d; 1 feature ran in more than one shard: c (shards 1, 2)`,
    );
  });

  it('names a missing shard and its features, a shard given twice, and a report that is no shard', () => {
    expect(checkShardSet([shard(1, ['a', 'c'])])).toEqual({
      problem: 'the shards are not one whole pipeline: shard 2 of 2 missing; 2 features ran in no shard: b, d',
      ranNowhere: ['b', 'd'],
    });
    expect(checkShardSet([shard(1, ['a', 'c']), shard(1, ['a', 'c']), shard(2, ['b', 'd'])]).problem).toBe(
      'the shards are not one whole pipeline: shard 1 given more than once; 2 features ran in more than one shard: a (shards 1, 1), c (shards 1, 1)',
    );
    const plain: MergedRun = { dir: 'run-b', info: { features: ['b', 'd'] } };
    expect(checkShardSet([shard(1, ['a', 'c']), plain]).problem).toBe(
      "the shards are not one whole pipeline: run-b not a shard's report; shard 2 of 2 missing",
    );
  });

  it('merges reports that are no shards as separate runs, refusing only a feature in two of them', () => {
    const run = (dir: string, features: string[]): MergedRun => ({ dir, info: { features } });
    expect(checkShardSet([run('x', ['a']), run('y', ['b'])])).toEqual({ ranNowhere: [] });
    expect(checkShardSet([run('x', ['a']), run('y', ['a', 'b'])]).problem).toBe(
      'the reports overlap: 1 feature ran in more than one report: a (x, y)',
    );
  });
});

describe('a plan file', () => {
  it('is read back as written, and refused when edited by hand', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baleen-plan-'));
    try {
      const path = join(dir, 'plan.json');
      await writePlanFile(path, PLAN);
      expect(await readPlanFile(path)).toEqual(PLAN);
      await writeFile(path, (await readFile(path, 'utf8')).replace('"d"', '"e"'));
      await expect(readPlanFile(path)).rejects.toThrow(/is not a plan written by baleen plan/);
      await expect(readPlanFile(join(dir, 'none.json'))).rejects.toThrow(/--plan .*none\.json: ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives a shard its part, only of a plan of as many shards, made for the features this run selects', () => {
    expect(featuresOfShard(PLAN, { index: 2, total: 2 }, ['a', 'b', 'c', 'd'], 'p.json')).toEqual(['b', 'd']);
    expect(() => featuresOfShard(PLAN, { index: 2, total: 3 }, ['a', 'b', 'c', 'd'], 'p.json')).toThrow(
      '--shard 2/3, but the plan p.json splits the suite into 2 shards',
    );
    expect(() => featuresOfShard(PLAN, { index: 1, total: 2 }, ['a', 'b', 'c', 'e'], 'p.json')).toThrow(
      'the plan p.json was made for other features (not in the plan: e; in the plan but not selected here: d)',
    );
  });
});
