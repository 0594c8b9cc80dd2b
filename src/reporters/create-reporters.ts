import { ConsoleReporter, REPORT_DIR_COMMIT, type Verbosity } from './console/console-reporter.js';
import { CucumberJsonReporter } from './files/cucumber-json-reporter.js';
import { ArtifactsReporter } from './files/artifacts-reporter.js';
import { CucumberHtmlReporter, MessagesNdjsonReporter } from './files/cucumber-messages-reporter.js';
import { JunitReporter, type LineageSource } from './files/junit-reporter.js';
import type { OutlineRows } from './files/testcase-names.js';
import { LogsReporter } from './files/logs-reporter.js';
import { ResultsJsonReporter } from './files/results-json.js';
import { RerunReporter } from './files/rerun-reporter.js';
import { SummaryJsonReporter } from './files/summary-json-reporter.js';
import { HtmlReporter } from './html/html-reporter.js';
import { ReporterMultiplexer } from './multiplexer.js';
import type { Reporter } from './reporter.js';
import { type REPORT_FILES, type ReportFileKey, reportFiles } from '../report-dir/report-files.js';
import { detectCiPlatform, type CiPlatform } from './ci/ci-platform.js';
import { GithubReporter } from './ci/github-reporter.js';
import { GitlabReporter } from './ci/gitlab-reporter.js';

export interface ReporterOptions {
  out: NodeJS.WriteStream;
  verbosity: Verbosity;
  live: boolean;
  /** `baleen merge`: the report files it copies from the shards (logs/, artifacts/) get no reporter. */
  merging?: boolean;
  /** Where the run's feature paths are relative to (the JUnit reporter reads the files for outline row names). */
  cwd: string;
  /** The run's scenario lineages from its plans: the JUnit reporter then reads no feature file. */
  lineages?: OutlineRows;
  /** The folder the console points people at: the report dir the files are moved into by `commit`. */
  reportDir: string;
  /** Moves the files written (into a staging folder) into the report dir, before the console names them. */
  commit: () => Promise<void>;
}

/** The reporters every run gets: files first, then the commit (so they exist when the console points at them), console last. */
export function createReporters(options: ReporterOptions): ReporterMultiplexer {
  const ci = detectCiPlatform();
  const commit = { name: REPORT_DIR_COMMIT, onEnd: options.commit };
  // The console runs last and names only the report files that were written (and moved into the report dir).
  const multiplexer: ReporterMultiplexer = new ReporterMultiplexer([
    ...fileReporters({
      ...options,
      lineage: options.lineages ? { lineages: options.lineages } : { readFrom: options.cwd },
    }),
    commit,
    ...(ci ? [ciReporter(ci, options.out)] : []),
    new ConsoleReporter({ ...options, unwritten: () => multiplexer.failed }),
  ]);
  return multiplexer;
}

/** What the CI service's log and page show beyond the console: annotations, folded output, a job summary. */
function ciReporter(ci: CiPlatform, out: NodeJS.WritableStream) {
  return ci.kind === 'github'
    ? new GithubReporter({ out, ...(ci.stepSummary ? { stepSummary: ci.stepSummary } : {}) })
    : new GitlabReporter({ out });
}

/** The report dir's files alone: what a server stores of a run (`baleen server --data-dir`). */
export function createFileReporters(options: { lineage: LineageSource }): ReporterMultiplexer {
  return new ReporterMultiplexer(fileReporters(options));
}

type FileReporter = Reporter & { readonly name: string };

/**
 * The reporter of each file of the report dir (report-dir/report-files.ts): one each, none without its file,
 * and each named as its file (the compiler checks all three).
 */
const FILE_REPORTERS: {
  [Key in ReportFileKey]: (
    lineage: LineageSource,
  ) => FileReporter & { readonly name: (typeof REPORT_FILES)[Key]['name'] };
} = {
  html: () => new HtmlReporter(),
  cucumberJson: () => new CucumberJsonReporter(),
  junit: (lineage) => new JunitReporter(lineage),
  summary: () => new SummaryJsonReporter(),
  logs: () => new LogsReporter(),
  cucumberHtml: () => new CucumberHtmlReporter(),
  messages: () => new MessagesNdjsonReporter(),
  artifacts: () => new ArtifactsReporter(),
  rerun: () => new RerunReporter(),
  results: () => new ResultsJsonReporter(),
};

function fileReporters(options: { merging?: boolean; lineage: LineageSource }): FileReporter[] {
  return reportFiles().flatMap(([key, file]) => {
    // Merging copies these from the shards as they are: no run streams them again.
    if (options.merging === true && file.merge === 'copied') return [];
    return [FILE_REPORTERS[key](options.lineage)];
  });
}
