import { RERUN_FILE } from '../cucumber-cli/rerun-file.js';

/** A file or folder a run writes into its report dir, and who reads it how. */
export interface ReportFile {
  /** Its name in the report dir; also the name of the reporter that writes it (a failed one is named so). */
  readonly name: string;
  /** A folder: files of each feature under it. */
  readonly folder?: true;
  /**
   * Whether the console's last line names it: `always`, or `if-written` only when the run gave it something
   * (a run without Cucumber Messages writes no cucumber.html, one without --collect no artifacts/). Unset:
   * the console does not point people at it (results.json is `baleen merge`'s input).
   */
  readonly shown?: 'always' | 'if-written';
  /**
   * How `baleen merge` makes it: written again from the shards' results.json (unset), or `copied` from each
   * shard's folder, since results.json does not hold it (each feature's whole output, the collected files).
   */
  readonly merge?: 'copied';
}

/**
 * Every file and folder of a run's report, declared once, in the order the console names them: the report
 * dir refuses a folder holding one of these names it did not write (report-dir.ts), `baleen merge` copies the
 * `copied` ones and writes the rest, each reporter writes the file of its entry (reporters/create-reporters.ts
 * has one reporter per entry, checked by the compiler), and the console names what was written.
 */
export const REPORT_FILES = {
  html: { name: 'index.html', shown: 'always' },
  cucumberJson: { name: 'cucumber.json', shown: 'always' },
  junit: { name: 'junit.xml', shown: 'always' },
  summary: { name: 'summary.json', shown: 'always' },
  logs: { name: 'logs', folder: true, shown: 'always', merge: 'copied' },
  cucumberHtml: { name: 'cucumber.html', shown: 'if-written' },
  messages: { name: 'messages.ndjson', shown: 'if-written' },
  artifacts: { name: 'artifacts', folder: true, shown: 'if-written', merge: 'copied' },
  // What failed, for --last-failed and cucumber-js's `@rerun.txt`; the console's failure list says it instead.
  rerun: { name: RERUN_FILE },
  results: { name: 'results.json' },
} as const satisfies Record<string, ReportFile>;

export type ReportFileKey = keyof typeof REPORT_FILES;

/** The entries, in the registry's order. */
export function reportFiles(): [ReportFileKey, ReportFile][] {
  return Object.entries(REPORT_FILES) as [ReportFileKey, ReportFile][];
}

/** How a report names a file or folder of its dir to people: a folder with its slash. */
export function shownName(file: ReportFile): string {
  return file.folder ? `${file.name}/` : file.name;
}
