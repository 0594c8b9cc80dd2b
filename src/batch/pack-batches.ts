import TinyQueue from 'tinyqueue';
import type { Predictions } from '../domain/job.js';
import { median } from '../util/order.js';
import type { BatchChoice } from '../domain/batch-choice.js';

/**
 * With `auto`, what each feature counts as when no feature of the run has a prediction: about one feature's
 * own work once the start-up is shared (the suite of issue 14 took 1.3 s a feature under cucumber-js on the
 * host, where each one in a fresh container took 11 to 26 s). A first run thus makes one batch per slot
 * unless the suite is large enough to fill more than one target per slot.
 */
export const FEATURE_MS_WITHOUT_HISTORY = 1000;

/**
 * Groups a run's features, already in the order the strategy chose, into the jobs its containers run, in the
 * order they are handed out. Without a choice, one feature per job. `count`: `size` features each, in order.
 * `auto`, in three steps:
 * 1. Each feature's work is its prediction; a feature without one counts as the median of the known ones, or
 *    FEATURE_MS_WITHOUT_HISTORY when none is known.
 * 2. The number of batches is the smallest multiple of the slots that keeps the average batch within
 *    `targetMs` (at least one batch per slot, at most one per feature): a multiple, so that the slots run out
 *    of batches together instead of one slot running a last batch alone; every container pays the suite's
 *    start-up, so no more batches than that.
 * 3. Features are dealt longest first, each to the batch with the least work so far (on a tie the one with
 *    fewer features, then the first: with equal work, one feature to each batch in turn). A feature longer than the others' share
 *    ends up alone. The batches are handed out fullest first.
 */
export function packBatches(
  order: readonly string[],
  predictions: Predictions,
  choice: BatchChoice | undefined,
  slots: number,
): string[][] {
  if (choice === undefined) return order.map((file) => [file]);
  if (choice.kind === 'count') return chunks(order, choice.size);
  const known = order.filter((file) => Object.hasOwn(predictions, file)).map((file) => predictions[file]!);
  const fallback = median(known) ?? FEATURE_MS_WITHOUT_HISTORY;
  const work = (file: string) => (Object.hasOwn(predictions, file) ? predictions[file]! : fallback);
  const total = order.reduce((sum, file) => sum + work(file), 0);
  const perSlot = Math.max(1, Math.ceil(total / (slots * choice.targetMs)));
  return dealLongestFirst(order, work, Math.min(order.length, slots * perSlot));
}

/** The longest-processing-time-first rule (LPT) into `count` bins, the fullest first. */
function dealLongestFirst(order: readonly string[], work: (file: string) => number, count: number): string[][] {
  const bins = Array.from({ length: count }, (_, index) => ({ index, files: [] as string[], work: 0 }));
  type Bin = (typeof bins)[number];
  // On equal work the bin with fewer features, then the first: features predicted at 0 ms still spread.
  const lightest = new TinyQueue<Bin>(
    [...bins],
    (a, b) => a.work - b.work || a.files.length - b.files.length || a.index - b.index,
  );
  // Array.prototype.sort is stable: features of equal work keep the strategy's order.
  for (const file of [...order].sort((a, b) => work(b) - work(a))) {
    const bin = lightest.pop()!;
    bin.files.push(file);
    bin.work += work(file);
    lightest.push(bin);
  }
  return bins.sort((a, b) => b.work - a.work || a.index - b.index).map((bin) => bin.files);
}

function chunks(order: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let start = 0; start < order.length; start += size) out.push(order.slice(start, start + size));
  return out;
}
