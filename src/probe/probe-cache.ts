import { createHash } from 'node:crypto';
import type { RunSpec } from '../domain/run-spec.js';
import { probeTurnedOff, type ProbeOutcome } from './run-probe.js';

/** Answers kept: a few suites' worth on a shared server; each holds a line per scenario and a hash per file. */
const KEPT_ANSWERS = 32;

/**
 * The image's answers, by everything the probe's container is given: the image's id (its files: the config,
 * support code and features the answer describes) and the run's command, before-command, environment, working
 * directory, tags, report path and features. An identical run asks no container again. The client's local hashes
 * are not part of the key: the answer holds the image's own hashes, compared with each run's local ones after
 * (apply-probe.ts), so a feature changed locally without a rebuild is still named stale. Only answers are kept: a
 * probe that did not answer (a timeout, a busy engine) is asked again next time. In memory, per server: an
 * embedded server lives for one run, so only a long-lived `baleen server` gains (docs/speed.md).
 */
export class ProbeCache {
  private readonly answers = new Map<string, Promise<ProbeOutcome>>();

  /**
   * The answer for `spec` on the image `imageId`: a kept one, or `ask`'s, kept when it is an answer. Two runs
   * asking at once share one probe. Without an image id (a cluster's nodes each hold their own copy) it asks.
   */
  async answer(imageId: string | undefined, spec: RunSpec, ask: () => Promise<ProbeOutcome>): Promise<ProbeOutcome> {
    if (imageId === undefined || probeTurnedOff()) return ask();
    const key = probeKey(imageId, spec);
    const kept = this.answers.get(key);
    if (kept !== undefined) {
      // Most recently used last: the oldest goes first.
      this.answers.delete(key);
      this.answers.set(key, kept);
      const startedAt = Date.now();
      const outcome = await kept;
      return outcome.kind === 'probed'
        ? { ...outcome, ms: Date.now() - startedAt, cached: true }
        : { ...outcome, ms: Date.now() - startedAt };
    }
    const asked = ask();
    this.answers.set(key, asked);
    while (this.answers.size > KEPT_ANSWERS) this.answers.delete(this.answers.keys().next().value!);
    const outcome = await asked.catch((error: unknown) => {
      this.answers.delete(key);
      throw error;
    });
    if (outcome.kind !== 'probed' && this.answers.get(key) === asked) this.answers.delete(key);
    return outcome;
  }
}

/** sha256 of every input of the probe's container (see probe-script.ts), the image by its id. */
export function probeKey(imageId: string, spec: RunSpec): string {
  const inputs = {
    imageId,
    command: spec.command,
    beforeCommand: spec.beforeCommand ?? null,
    env: Object.entries(spec.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    workDir: spec.workDir ?? null,
    tags: spec.tags ?? null,
    reportPath: spec.reportPath,
    features: spec.features,
    selectedLines: spec.selectedLines,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}
