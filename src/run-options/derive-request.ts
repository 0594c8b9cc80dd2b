import { batchChoiceOf } from '../batch/batch-option.js';
import { BaleenError } from '../errors/baleen-error.js';
import { runOptionEntries } from './declaration.js';
import type { RunOptionValues, RunRequest } from './values.js';

/**
 * The run's request from what each source says, later sources over earlier ones (a project file, then the
 * command line): per option, the last one given wins, or, for an option that adds up (`constraints`,
 * `collect`), every source's entries in order; then the option's fallback.
 */
export function runRequestOf(sources: readonly RunOptionValues[]): RunRequest {
  const request: Record<string, unknown> = {};
  for (const [name, option] of runOptionEntries()) {
    const given = sources.map((source) => source[name]).filter((value) => value !== undefined);
    const value = option.merge === 'add' ? (given.length > 0 ? given.flat() : undefined) : given.at(-1);
    const settled = value ?? option.fallback?.();
    if (settled !== undefined) request[name] = settled;
    else if (option.required) throw new BaleenError('INTERNAL', `the run has no ${name}`);
  }
  checkTogether(request as RunRequest);
  return request as RunRequest;
}

/** Rules between options, checked once they are merged: a flag that another one makes meaningless is refused. */
function checkTogether(request: RunRequest): void {
  batchChoiceOf(request.batch, request.batchTargetMs);
  if (request.plan !== undefined && request.shard === undefined)
    throw new BaleenError('USAGE', '--plan splits a pipeline into shards, and this run is none', {
      hint: 'add --shard i/N, or drop --plan',
    });
}
