import { plannedFeatures } from '../domain/shard-plan.js';
import type { RunInfo } from '../domain/run-outcome.js';
import { compareNames } from '../util/order.js';
import { firstFew, plural } from '../util/text.js';

/** One report dir given to `baleen merge`: where it is, and what its run was. */
export interface MergedRun {
  dir: string;
  info: Pick<RunInfo, 'features' | 'shard'>;
}

/** What is wrong with a set of reports as one pipeline, and the features it should have run and did not. */
export interface ShardSetCheck {
  /** One line naming every problem (missing shards, features that ran nowhere or twice), or undefined when whole. */
  problem?: string;
  /** Features of the shards' plans that no shard ran: every report shows them as not run. */
  ranNowhere: string[];
}

/**
 * Whether the reports make one whole pipeline: every shard 1..N once, one plan, and every feature of it in
 * exactly one shard. Shards that split by different timing histories, a shard whose job died before its
 * report was uploaded, or shards run one after another that each split anew: each would otherwise merge into
 * a green report of a suite that did not wholly run. Reports that are not shards are merged as separate runs,
 * and still may not hold a feature twice (one result would hide the other).
 */
export function checkShardSet(runs: readonly MergedRun[]): ShardSetCheck {
  const shards = runs.filter((run) => run.info.shard !== undefined);
  const whereRan = new Map<string, string[]>();
  for (const run of runs) {
    const name = run.info.shard ? String(run.info.shard.index) : run.dir;
    for (const file of run.info.features) whereRan.set(file, [...(whereRan.get(file) ?? []), name]);
  }
  const twice = [...whereRan].filter(([, where]) => where.length > 1);
  const ranTwice =
    twice.length === 0
      ? undefined
      : `${plural(twice.length, 'feature')} ran in more than one ${shards.length > 0 ? 'shard' : 'report'}: ${firstFew(
          twice.map(([file, where]) => `${file} (${shards.length > 0 ? 'shards ' : ''}${where.join(', ')})`),
        )}`;
  if (shards.length === 0)
    return { ...(ranTwice ? { problem: `the reports overlap: ${ranTwice}` } : {}), ranNowhere: [] };

  const planned = new Set(shards.flatMap((run) => (run.info.shard?.plan ? plannedFeatures(run.info.shard.plan) : [])));
  const ranNowhere = [...planned].filter((file) => !whereRan.has(file)).sort(compareNames);
  const problems = [
    ...setProblems(runs),
    ...(ranNowhere.length > 0
      ? [`${plural(ranNowhere.length, 'feature')} ran in no shard: ${firstFew(ranNowhere)}`]
      : []),
    ...(ranTwice ? [ranTwice] : []),
  ];
  return {
    ...(problems.length > 0 ? { problem: `the shards are not one whole pipeline: ${problems.join('; ')}` } : {}),
    ranNowhere,
  };
}

/** What is wrong with the set of shards itself: not shards, other totals, missing or repeated, other plans. */
function setProblems(runs: readonly MergedRun[]): string[] {
  const problems: string[] = [];
  const notShards = runs.filter((run) => run.info.shard === undefined);
  if (notShards.length > 0) problems.push(`${firstFew(notShards.map((run) => run.dir))} not a shard's report`);
  const shards = runs.flatMap((run) => (run.info.shard ? [run.info.shard] : []));
  const totals = [...new Set(shards.map((shard) => shard.total))];
  if (totals.length > 1) problems.push(`shards of pipelines of ${totals.join(' and ')} shards`);
  const total = Math.max(...totals);
  const indexes = shards.map((shard) => shard.index);
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((index) => !indexes.includes(index));
  if (missing.length > 0)
    problems.push(`${missing.length === 1 ? 'shard' : 'shards'} ${missing.join(', ')} of ${total} missing`);
  const repeated = [...new Set(indexes.filter((index, at) => indexes.indexOf(index) !== at))];
  if (repeated.length > 0) problems.push(`shard ${repeated.join(', ')} given more than once`);
  const plans = [...new Set(shards.map((shard) => shard.plan?.id ?? 'none recorded'))];
  if (plans.length > 1)
    problems.push(
      `the shards followed different plans (${shards.map((shard) => `shard ${shard.index}: ${shard.plan?.id ?? 'none recorded'}`).join(', ')})`,
    );
  return problems;
}
