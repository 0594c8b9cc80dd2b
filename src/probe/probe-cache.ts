import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ImageProbeSchema, type ImageProbe } from '../domain/image-probe.js';
import type { RunSpec } from '../domain/run-spec.js';
import { probeTurnedOff, type ProbeOutcome } from './run-probe.js';
import { probeProgram } from './probe-script.js';
import { compareNames } from '../util/order.js';
import { writeFileAtomic } from '../util/write-file-atomic.js';

/** The kept answers as a file holds them: by key, the oldest first. Checked when read: a file is anyone's. */
const KeptAnswersSchema = z.record(z.string().regex(/^[0-9a-f]{64}$/), ImageProbeSchema);

/** Answers kept: a few suites' worth on a shared server; each holds a line per scenario and a hash per file. */
const KEPT_ANSWERS = 32;

/**
 * The image's answers, by everything the probe's container is given: the image's id (its files: the config,
 * support code and features the answer describes) and the run's command, before-command, environment, working
 * directory, tags, report path and features. An identical run asks no container again. The client's local hashes
 * are not part of the key: the answer holds the image's own hashes, compared with each run's local ones after
 * (apply-probe.ts), so a feature changed locally without a rebuild is still named stale. Only answers are kept: a
 * probe that did not answer (a timeout, a busy engine) is asked again next time. In memory, per server, and
 * with `file` in that file too: an embedded server lives for one run, so the client gives it one beside its
 * timing history (`.baleen/probe-answers.json`), and the next run on the same image asks no container either
 * (docs/speed.md). A file that cannot be read or does not hold answers is no answer; one that cannot be written
 * costs the next run a probe, nothing else.
 */
export class ProbeCache {
  private readonly answers = new Map<string, Promise<ProbeOutcome>>();
  /** The settled answers, for the file. */
  private readonly settled = new Map<string, ImageProbe>();
  private loaded: Promise<void> | undefined;

  constructor(private readonly file?: string) {}

  /**
   * The answer for `spec` on the image `imageId`: a kept one, or `ask`'s, kept when it is an answer. Two runs
   * asking at once share one probe. Without an image id (a cluster's nodes each hold their own copy) it asks.
   */
  async answer(imageId: string | undefined, spec: RunSpec, ask: () => Promise<ProbeOutcome>): Promise<ProbeOutcome> {
    if (imageId === undefined || probeTurnedOff()) return ask();
    // Without a file nothing is awaited: two runs asking at once meet at the same kept promise.
    if (this.file !== undefined) {
      this.loaded ??= this.load();
      await this.loaded;
    }
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
    if (outcome.kind === 'probed') await this.keep(key, outcome.probe);
    return outcome;
  }

  private async load(): Promise<void> {
    const text = await readFile(this.file!, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    let kept: z.infer<typeof KeptAnswersSchema>;
    try {
      kept = KeptAnswersSchema.parse(JSON.parse(text));
    } catch {
      return;
    }
    for (const [key, probe] of Object.entries(kept).slice(-KEPT_ANSWERS)) {
      this.settled.set(key, probe);
      this.answers.set(key, Promise.resolve({ kind: 'probed', probe, ms: 0 }));
    }
  }

  /** Written whole, then renamed into place (writeFileAtomic): a run that reads it meanwhile sees the old or the new. */
  private async keep(key: string, probe: ImageProbe): Promise<void> {
    this.settled.delete(key);
    this.settled.set(key, probe);
    while (this.settled.size > KEPT_ANSWERS) this.settled.delete(this.settled.keys().next().value!);
    if (this.file === undefined) return;
    // A cache: one that cannot be written costs the next run a probe, nothing else.
    await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.settled))).catch(() => undefined);
  }
}

/** sha256 of every input of the probe's container (see probe-script.ts), the image by its id, the program by its text. */
function probeKey(imageId: string, spec: RunSpec): string {
  const inputs = {
    imageId,
    // Another baleen's probe may answer otherwise: a file outlives the version that wrote it.
    program: createHash('sha256').update(probeProgram()).digest('hex'),
    command: spec.command,
    beforeCommand: spec.beforeCommand ?? null,
    env: Object.entries(spec.env).sort(([a], [b]) => compareNames(a, b)),
    workDir: spec.workDir ?? null,
    tags: spec.tags ?? null,
    reportPath: spec.reportPath,
    features: spec.features,
    selectedLines: spec.selectedLines,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}
