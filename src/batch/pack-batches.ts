import type { Predictions } from '../dispatcher/order-strategy.js';
import { median } from '../util/order.js';
import type { BatchChoice } from './batch-choice.js';

/** With `auto` and no timing history, this many batches per slot, so that slots that finish early take more. */
const BATCHES_PER_SLOT_WITHOUT_HISTORY = 4;

/**
 * Groups a run's features, already in the order the strategy chose, into the jobs its containers run, in the
 * order they are handed out. Without a choice, one feature per job. `count`: `size` features each, in order.
 * `auto`: with a timing history, bins of about `targetMs` of predicted work filled longest first (first fit
 * decreasing; a feature without a prediction counts as the median of the known ones, a feature longer than
 * the target gets a bin of its own), the target lowered to the run's predicted work per slot when that is
 * less, so that every slot gets a batch; the fullest bins go first. No history: by count, into
 * BATCHES_PER_SLOT_WITHOUT_HISTORY batches per slot.
 */
export function packBatches(order: readonly string[], predictions: Predictions, choice: BatchChoice | undefined, slots: number): string[][] {
  if (choice === undefined) return order.map((file) => [file]);
  if (choice.kind === 'count') return chunks(order, choice.size);
  const known = order.filter((file) => Object.hasOwn(predictions, file)).map((file) => predictions[file]!);
  const fallback = median(known);
  if (fallback === undefined) return chunks(order, Math.ceil(order.length / (slots * BATCHES_PER_SLOT_WITHOUT_HISTORY)));
  const work = (file: string) => (Object.hasOwn(predictions, file) ? predictions[file]! : fallback);
  const total = order.reduce((sum, file) => sum + work(file), 0);
  const target = Math.min(choice.targetMs, total / slots);
  const bins: { files: string[]; work: number }[] = [];
  for (const file of [...order].sort((a, b) => work(b) - work(a))) {
    const bin = bins.find((candidate) => candidate.work + work(file) <= target);
    if (bin) {
      bin.files.push(file);
      bin.work += work(file);
    } else bins.push({ files: [file], work: work(file) });
  }
  // Array.prototype.sort is stable: equal bins keep the order they were opened in.
  return bins.sort((a, b) => b.work - a.work).map((bin) => bin.files);
}

function chunks(order: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let start = 0; start < order.length; start += size) out.push(order.slice(start, start + size));
  return out;
}
