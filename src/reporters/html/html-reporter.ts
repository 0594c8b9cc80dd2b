import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FeatureStateChange, RunOutcome } from '../../domain/run-outcome.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { formatDuration } from '../../util/text.js';
import { runReport } from '../../cucumber-json/feature-report.js';
import type { Reporter } from '../reporter.js';
import { summarize } from '../summary.js';
import { forTemplateCounts } from './template-counts.js';
import { overviewHtml } from './overview/overview-html.js';
import { LoadWhileRunning } from '../load-while-running.js';
import type { FeaturePie } from './write-html-report.js';

/** index.html: the merged report for people, self-contained so it opens anywhere, offline included. */
export class HtmlReporter implements Reporter {
  readonly name = REPORT_FILES.html.name;
  // The writer, and the template engine it requires on its first use (lodash and the rest) into Node's cache.
  private readonly writer = new LoadWhileRunning(async () => {
    const module = await import('./write-html-report.js');
    createRequire(import.meta.url)('cucumber-html-reporter');
    return module;
  });

  onFeatureState(change: FeatureStateChange): void {
    this.writer.onFeatureState(change);
  }

  async onEnd(outcome: RunOutcome): Promise<void> {
    // cucumber-html-reporter reads a file; give it a private one so it cannot touch the report dir's JSON.
    const { writeHtmlReport } = await this.writer.get();
    const scratch = await mkdtemp(join(tmpdir(), 'baleen-html-'));
    try {
      const cucumberJsonFile = join(scratch, 'cucumber.json');
      await writeFile(cucumberJsonFile, JSON.stringify(forTemplateCounts(runReport(outcome))));
      await writeHtmlReport({
        cucumberJsonFile,
        outputFile: join(outcome.info.reportDir, this.name),
        title: `baleen: ${outcome.info.image}`,
        metadata: metadataOf(outcome),
        runTime: formatDuration(outcome.durationMs),
        overview: overviewHtml(outcome),
        featurePie: featurePieOf(outcome),
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

function metadataOf(outcome: RunOutcome): Record<string, string> {
  const { totals, features } = summarize(outcome);
  const metadata: Record<string, string> = {
    'Run status': outcome.status,
    Image: outcome.info.image,
    Started: outcome.info.startedAt.toISOString(),
    Duration: formatDuration(outcome.durationMs),
    Features: `${totals.passed} passed (${totals.flaky} flaky), ${totals.failed} failed, ${totals.errors} errors, ${totals.skipped + totals.cancelled + totals.unfinished} not run, of ${totals.features}`,
    Concurrency: String(outcome.info.concurrency),
  };
  const flaky = features.filter((f) => f.flaky).map((f) => `${f.file} (passed on attempt ${f.attempts})`);
  if (flaky.length > 0) metadata.Flaky = flaky.join(', ');
  // Features without a Cucumber report (parse errors, crashes) have no scenarios to show: name them here.
  for (const result of outcome.results) {
    if (result.status !== 'passed' && !result.cucumberJson) {
      metadata[`✗ ${result.file}`] = `${result.status}: ${result.error ?? ''}`.trim();
    }
  }
  for (const file of outcome.unfinished) metadata[`✗ ${file}`] = 'unfinished';
  return metadata;
}

function featurePieOf(outcome: RunOutcome): FeaturePie {
  const { totals } = summarize(outcome);
  return {
    failed: totals.failed + totals.errors,
    passed: totals.passed,
    skipped: totals.skipped + totals.cancelled + totals.unfinished,
  };
}
