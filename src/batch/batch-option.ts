import { BaleenError } from '../errors/baleen-error.js';
import { DEFAULT_BATCH_TARGET_MS, MAX_BATCH_SIZE, type BatchChoice } from '../domain/batch-choice.js';

/** What `--batch` says: a number of features per container, or `auto`. */
export type BatchFlag = { kind: 'count'; size: number } | { kind: 'auto' };

/** Reads `--batch N|auto`; undefined for anything else (the caller names the option in its error). */
export function parseBatchFlag(text: string): BatchFlag | undefined {
  if (text === 'auto') return { kind: 'auto' };
  const size = Number(text);
  return /^\d+$/.test(text) && size >= 1 && size <= MAX_BATCH_SIZE ? { kind: 'count', size } : undefined;
}

/** --batch and --batch-target together; --batch-target alone would be silently ignored, so it is refused. */
export function batchChoiceOf(batch: BatchFlag | undefined, targetMs: number | undefined): BatchChoice | undefined {
  if (targetMs !== undefined && batch?.kind !== 'auto') {
    throw new BaleenError('USAGE', '--batch-target sizes the batches of --batch auto, and this run has none', {
      hint: 'add --batch auto, or drop --batch-target',
    });
  }
  if (batch === undefined) return undefined;
  return batch.kind === 'count' ? batch : { kind: 'auto', targetMs: targetMs ?? DEFAULT_BATCH_TARGET_MS };
}
