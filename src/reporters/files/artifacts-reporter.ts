import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { FeatureResult } from '../../domain/feature-run.js';
import { parseWorkName } from '../../domain/job.js';
import type { FeatureArtifactChunk, RunInfo } from '../../domain/run-outcome.js';
import { messageOf } from '../../errors/baleen-error.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { resolveInside } from '../../util/inside-root.js';
import { CREATE_ONLY } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';

const ARTIFACTS_DIR = REPORT_FILES.artifacts.name;

/** Where a feature's collected files go, relative to the report dir: `artifacts/<feature path>/`. */
export function artifactsDirOf(file: string): string {
  return `${ARTIFACTS_DIR}/${file}/`;
}

/** A file being written: which feature's, under which name in its folder, and for which attempt. */
interface Written {
  feature: string;
  /** Its path in the feature's folder (a scenario job's under `line-<line>/`, as its feature's result lists it). */
  name: string;
  work: string;
  attempt: number;
  target: string;
  /** The stream, once the file is made (after any removal of an earlier attempt's file of that name). */
  ready: Promise<WriteStream>;
  /** Whether the file was made by this stream (removing one whose creation failed would remove someone else's). */
  made(): boolean;
}

/**
 * artifacts/: the files --collect brought back from each feature's container (its last attempt's), under the
 * feature's path, each by its path in the container; a scenario job's (--split scenarios) under
 * `line-<line>/`. They are written piece by piece as they arrive, so no collected file is held in memory;
 * the attempt's result then says which came whole, and any other file written for it (cut by the cap, or
 * an earlier attempt's) is removed. Files are created, never opened: nothing is written through a name that
 * exists, and no path leaves the feature's folder, nor a feature's folder artifacts/ (resolveInside refuses
 * them, whatever the server or the container sent).
 */
export class ArtifactsReporter implements Reporter {
  readonly name = ARTIFACTS_DIR;
  private reportDir = '.';
  private readonly open = new Map<string, Written>();
  private readonly written: Written[] = [];
  /** Per path, the removal under way: a later attempt's file of that name is made only once it is done. */
  private readonly removing = new Map<string, Promise<void>>();
  private readonly pending: Promise<void>[] = [];
  private readonly problems: string[] = [];

  onBegin(info: RunInfo): void {
    this.reportDir = info.reportDir;
  }

  onFeatureArtifact(chunk: FeatureArtifactChunk): void {
    const key = `${chunk.attempt}\n${chunk.file}\n${chunk.path}`;
    let file = this.open.get(key);
    if (!file) {
      const opened = this.create(chunk);
      if (!opened) return;
      file = opened;
      this.open.set(key, file);
    }
    // Reactions to one promise run in the order they were added: the pieces are written in order.
    const { data, end } = chunk;
    void file.ready.then((stream) => (end ? stream.end(data) : stream.write(data))).catch(() => undefined);
    if (end) this.open.delete(key);
  }

  /** An attempt that runs again: what it collected is not the feature's last, and goes. */
  onFeatureRetry(result: FeatureResult): void {
    this.removeWhere((file) => file.work === result.file && file.attempt === result.attempt);
  }

  /** A feature's final result: the files it lists stay, any other written for the feature goes. */
  onFeatureResult(result: FeatureResult): void {
    const kept = new Set((result.artifacts?.files ?? []).map((file) => file.path));
    this.removeWhere((file) => file.feature === result.file && !kept.has(file.name));
  }

  async onEnd(): Promise<void> {
    // A file whose last piece never came (the run was cut off) is not whole.
    const open = new Set(this.open.values());
    this.removeWhere((file) => open.has(file));
    await Promise.all(this.pending);
    if (this.problems.length > 0)
      throw new Error(
        `could not write ${this.problems.length} collected file${this.problems.length === 1 ? '' : 's'}: ${this.problems.slice(0, 3).join('; ')}`,
      );
  }

  private create(chunk: FeatureArtifactChunk): Written | undefined {
    const { file: feature, line } = parseWorkName(chunk.file);
    const name = line === undefined ? chunk.path : `line-${line}/${chunk.path}`;
    const problem = (error: unknown): void => {
      this.problems.push(`${join(artifactsDirOf(feature), name)}: ${messageOf(error)}`);
    };
    let target: string;
    try {
      target = resolveInside(resolveInside(join(this.reportDir, ARTIFACTS_DIR), feature), name);
    } catch (error) {
      problem(error);
      return undefined;
    }
    let made = false;
    const ready = (this.removing.get(target) ?? Promise.resolve()).then(async () => {
      // Not the sync call: the client's event loop replays every other feature's stream meanwhile.
      await mkdir(dirname(target), { recursive: true });
      const stream = createWriteStream(target, { flags: CREATE_ONLY });
      stream.once('open', () => {
        made = true;
      });
      return stream;
    });
    const written: Written = {
      feature,
      name,
      work: chunk.file,
      attempt: chunk.attempt,
      target,
      ready,
      made: () => made,
    };
    this.pending.push(written.ready.then((stream) => finished(stream)).then(() => undefined, problem));
    this.written.push(written);
    return written;
  }

  /** Ends and removes each written file `which` picks, once its stream has closed. */
  private removeWhere(which: (file: Written) => boolean): void {
    for (let index = this.written.length - 1; index >= 0; index--) {
      const file = this.written[index]!;
      if (!which(file)) continue;
      this.written.splice(index, 1);
      for (const [key, open] of this.open) if (open === file) this.open.delete(key);
      const removed = file.ready
        .then((stream) => finished(stream.end()))
        .catch(() => undefined)
        .then(() => (file.made() ? unlink(file.target) : undefined))
        .catch(() => undefined);
      this.removing.set(file.target, removed);
      this.pending.push(removed);
    }
  }
}
