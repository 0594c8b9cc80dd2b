import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { plannedFeatures, ShardPlanSchema, shardPlanOf, type Shard, type ShardPlan } from '../domain/shard-plan.js';
import { BaleenError, messageOf } from '../errors/baleen-error.js';
import { parseJsonOrUndefined } from '../util/parse-json.js';
import { firstFew } from '../util/text.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** What `baleen plan` writes and `--plan` reads: the split, as one JSON file a CI pipeline hands every shard. */
const PlanFileSchema = ShardPlanSchema.extend({ version: z.literal(1) });

export async function writePlanFile(path: string, plan: ShardPlan): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, ...plan }, null, 2)}\n`);
}

/** A plan file, checked: the shape, and an id that is its split's (a plan edited by hand is refused). */
export async function readPlanFile(path: string): Promise<ShardPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (problem) {
    throw new BaleenError('CONFIG', `--plan ${path}: ${messageOf(problem)}`, {
      hint: 'make the plan once with `baleen plan --out FILE` and hand that file to every shard',
    });
  }
  const parsed = PlanFileSchema.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success || shardPlanOf(parsed.data.shards).id !== parsed.data.id) {
    throw new BaleenError('CONFIG', `--plan ${path} is not a plan written by baleen plan`, {
      hint: 'make it again with `baleen plan --out FILE`; do not edit it',
    });
  }
  return { id: parsed.data.id, shards: parsed.data.shards };
}

/**
 * This shard's features in a plan made for the same features: the plan must split into as many shards as
 * --shard says, and hold exactly the features this run selects (a plan of another commit, other --files or
 * --tags would leave some out, or run some that are gone).
 */
export function featuresOfShard(plan: ShardPlan, shard: Shard, selected: readonly string[], path: string): string[] {
  if (plan.shards.length !== shard.total) {
    throw new BaleenError(
      'CONFIG',
      `--shard ${shard.index}/${shard.total}, but the plan ${path} splits the suite into ${plan.shards.length} shards`,
      { hint: `give every shard --shard i/${plan.shards.length}, or make the plan with --shards ${shard.total}` },
    );
  }
  const planned = new Set(plannedFeatures(plan));
  const here = new Set(selected);
  const notPlanned = selected.filter((file) => !planned.has(file));
  const notHere = [...planned].filter((file) => !here.has(file));
  if (notPlanned.length > 0 || notHere.length > 0) {
    const differences = [
      notPlanned.length > 0 ? `not in the plan: ${firstFew(notPlanned)}` : undefined,
      notHere.length > 0 ? `in the plan but not selected here: ${firstFew(notHere)}` : undefined,
    ].filter(Boolean);
    throw new BaleenError('CONFIG', `the plan ${path} was made for other features (${differences.join('; ')})`, {
      hint: 'make the plan in the same checkout with the same --files and --tags as the shards',
    });
  }
  return plan.shards[shard.index - 1]!;
}
