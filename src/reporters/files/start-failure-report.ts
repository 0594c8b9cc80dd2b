import { join } from 'node:path';
import type { RunOutcome } from '../../domain/run-outcome.js';
import type { BaleenError } from '../../errors/baleen-error.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { summarize } from '../summary.js';
import { xmlDocument } from './xml-document.js';
import { formatRerunFile } from '../../cucumber-cli/rerun-file.js';

/** What a run that never started left: the features it meant to run, and why it could not. */
export interface StartFailure {
  image: string;
  features: readonly string[];
  startedAt: Date;
  error: BaleenError;
}

/**
 * A run that could not start (an image typo, an unreachable engine, not a cluster manager) still leaves a
 * report, so CI shows that failure rather than the previous run's report or none: summary.json with the
 * cause (every feature `unfinished`), junit.xml with one errored testcase, and @rerun.txt naming every feature.
 */
export async function writeStartFailureReport(dir: string, failure: StartFailure): Promise<void> {
  const outcome: RunOutcome = {
    info: {
      runId: 'none',
      image: failure.image,
      features: [...failure.features],
      concurrency: 0,
      startedAt: failure.startedAt,
      reportDir: dir,
    },
    status: 'failed',
    durationMs: Date.now() - failure.startedAt.getTime(),
    results: [],
    unfinished: [...failure.features],
  };
  const error = { code: failure.error.code, exitCode: failure.error.exitCode, message: failure.error.toLine() };
  await writeFileAtomic(
    join(dir, REPORT_FILES.summary.name),
    `${JSON.stringify({ ...summarize(outcome), error }, null, 2)}\n`,
  );
  await writeFileAtomic(join(dir, REPORT_FILES.junit.name), startFailureJunit(failure));
  // Nothing ran, so all of it is still to run: what --last-failed takes up once the cause is fixed.
  await writeFileAtomic(
    join(dir, REPORT_FILES.rerun.name),
    formatRerunFile(failure.features.map((path) => ({ path }))),
  );
}

function startFailureJunit(failure: StartFailure): string {
  // junit-10.xsd allows `skipped` on a testsuite only.
  const counts = { tests: '1', failures: '0', errors: '1', time: '0.000' };
  const root = xmlDocument('testsuites', { name: 'baleen', ...counts });
  root
    .ele('testsuite', { name: 'baleen run', ...counts, skipped: '0', timestamp: failure.startedAt.toISOString() })
    .ele('testcase', { classname: 'baleen', name: 'the run could not start', time: '0.000' })
    .ele('error', { message: failure.error.toLine(), type: failure.error.code })
    .txt(`${failure.features.length} feature(s) did not run: ${failure.features.join(', ')}`);
  return root.end();
}
