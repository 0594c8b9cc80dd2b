import { join } from 'node:path';
import { failedScenarios } from '../../cucumber-json/scenarios.js';
import { type FileLines, formatRerunFile, uniqueLines } from '../../cucumber-cli/rerun-file.js';
import { type FeatureResult, isUnsuccessful } from '../../domain/feature-run.js';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { compareNames } from '../../util/order.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';

/**
 * What of a feature to run again: the lines of its failed scenarios (with --split scenarios, of its failed or
 * errored scenario jobs), or the whole file when nothing narrower shows what went wrong (an error: a crash,
 * a timeout, a report that lacks scenarios; a failure no scenario of its report explains).
 */
function rerunEntry(result: FeatureResult): FileLines {
  const lines = result.scenarioJobs
    ? result.scenarioJobs.filter((job) => isUnsuccessful(job.status)).map((job) => job.line)
    : result.status === 'failed'
      ? failedScenarios(result.cucumberJson ?? [], { standIn: false }).flatMap((scenario) => scenario.line ?? [])
      : [];
  const unique = uniqueLines(lines);
  return unique.length === 0 ? { path: result.file } : { path: result.file, lines: unique };
}

/** Every feature that failed or errored, as a rerun file lists it: what `--last-failed` runs next. */
export function rerunEntries(outcome: RunOutcome): FileLines[] {
  return outcome.results
    .filter((result) => isUnsuccessful(result.status))
    .map(rerunEntry)
    .sort((a, b) => compareNames(a.path, b.path));
}

/**
 * @rerun.txt: what failed or errored, in cucumber-js's rerun format, so that `--last-failed` and
 * `cucumber-js baleen-report/@rerun.txt` both run it again. Empty when everything passed.
 */
export class RerunReporter implements Reporter {
  readonly name = REPORT_FILES.rerun.name;

  async onEnd(outcome: RunOutcome): Promise<void> {
    await writeFileAtomic(join(outcome.info.reportDir, this.name), formatRerunFile(rerunEntries(outcome)));
  }
}
