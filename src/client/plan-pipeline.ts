import { resolve } from 'node:path';
import { ExitCode } from '../errors/baleen-error.js';
import type { RunRequest } from '../run-options/values.js';
import { writePlanFile } from '../shards/plan-file.js';
import { planShards } from '../shards/shard.js';
import { TimingHistory } from '../timings/timing-history.js';
import { formatDuration, plural } from '../util/text.js';
import { nothingSelected } from './nothing-selected.js';
import { selectFeatures } from './select-features.js';

export type PlanRequest = Pick<RunRequest, 'files' | 'tags' | 'command' | 'timingsFile' | 'passWithNoTests'>;

/**
 * `baleen plan`: the split of the suite into `shards`, made once from one timing history and written where
 * every shard of the pipeline reads it (--plan). The features are selected as a run selects them (--files,
 * --tags), so the plan holds what the shards will find. A shard the plan leaves empty is refused here, as the
 * shard's own run would refuse it, unless --pass-with-no-tests.
 */
export async function planPipeline(
  request: PlanRequest,
  shards: number,
  out: string,
  io: { cwd: string; out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): Promise<ExitCode> {
  const history = await TimingHistory.load(resolve(io.cwd, request.timingsFile), (message) =>
    io.err.write(`baleen: ${message}\n`),
  );
  const selection = await selectFeatures(request, io);
  const plan = planShards(
    selection.plans.map((feature) => feature.file),
    shards,
    history,
  );
  plan.shards.forEach((files, at) => {
    const part = new Set(files);
    const empty = nothingSelected(
      { ...request, shard: { index: at + 1, total: shards } },
      { selected: selection.plans.length, plans: selection.plans.filter((feature) => part.has(feature.file)) },
    );
    if (empty !== undefined && !request.passWithNoTests) throw empty;
  });
  await writePlanFile(resolve(io.cwd, out), plan);
  const part = (files: readonly string[]) => {
    const predicted = files.map((file) => history.predict(file));
    const known = predicted.every((ms) => ms !== undefined);
    return `${plural(files.length, 'feature')}${known ? `, ${formatDuration(predicted.reduce((sum, ms) => sum + ms!, 0))}` : ''}`;
  };
  io.out.write(
    `baleen: plan ${plan.id} written to ${out}: ${plural(selection.plans.length, 'feature')} in ${plural(shards, 'shard')} (${plan.shards
      .map((files, at) => `${at + 1}: ${part(files)}`)
      .join('; ')})\n`,
  );
  return ExitCode.passed;
}
