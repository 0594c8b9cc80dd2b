import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The files a run writes into its report dir; a new run removes exactly these, never anything else there. */
export const REPORT_OUTPUTS = ['index.html', 'cucumber.json', 'junit.xml', 'summary.json', 'results.json', 'logs'] as const;

export async function prepareReportDir(reportDir: string): Promise<void> {
  await mkdir(reportDir, { recursive: true });
  await Promise.all(REPORT_OUTPUTS.map((name) => rm(join(reportDir, name), { recursive: true, force: true })));
}
