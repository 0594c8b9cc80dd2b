import { issuesNaming } from '../cucumber-json/summary-issues.js';
import type { OutputTail, StreamName } from '../domain/feature-run.js';
import { logPath } from '../reporters/files/log-path.js';

/**
 * What a feature of a batch keeps of its batch's stream: one process ran every feature, so its output is the
 * batch's, and a neighbour's lines must never be shown as this feature's. On stdout, the issues of
 * cucumber-js's summary that name this feature (its failed scenarios, their steps and errors) are cut out for
 * it; the rest, and all of stderr, cannot be told apart by feature, and a first line says so and where the
 * whole of it is (the batch's log, its first feature's).
 */
export function memberOutput(
  stream: StreamName,
  tail: OutputTail,
  file: string,
  batch: readonly string[],
  attempt: number,
): OutputTail {
  const log = logPath(batch[0]!, attempt, stream);
  const own = stream === 'stdout' ? issuesNaming(tail.text, file) : [];
  const which = stream === 'stdout' ? 'the rest of this output' : 'stderr';
  const note = `(baleen) ${which} is its batch's (${batch.join(', ')}), one process's, which cannot be told apart by feature: ${log} has all of it\n`;
  const text = note + own.map((issue) => `${issue}\n`).join('\n');
  return { text, totalBytes: Buffer.byteLength(text), truncatedBytes: 0 };
}
