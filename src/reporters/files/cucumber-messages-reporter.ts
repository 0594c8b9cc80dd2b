import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { mergeMessages } from '../../cucumber-messages/merge-messages.js';
import { REPORT_FILES } from '../../report-dir/report-files.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import type { Reporter } from '../reporter.js';

/** Whether the run's containers wrote Cucumber Messages: only then are messages.ndjson and cucumber.html written. */
export function hasMessages(outcome: RunOutcome): boolean {
  return outcome.results.some((result) => result.cucumberMessages !== undefined);
}

/** The run's Cucumber Messages as one stream (see cucumber-messages/merge-messages.ts), or undefined when no container wrote any. */
function runMessages(outcome: RunOutcome): string | undefined {
  const streams = outcome.results.flatMap((result) =>
    result.cucumberMessages === undefined ? [] : [result.cucumberMessages],
  );
  return streams.length === 0
    ? undefined
    : mergeMessages(streams, { startedAt: outcome.info.startedAt, durationMs: outcome.durationMs });
}

/** messages.ndjson: every feature's Cucumber Messages merged into one run. Cucumber JSON runs write none. */
export class MessagesNdjsonReporter implements Reporter {
  readonly name = REPORT_FILES.messages.name;

  async onEnd(outcome: RunOutcome): Promise<void> {
    const merged = runMessages(outcome);
    if (merged !== undefined) await writeFileAtomic(join(outcome.info.reportDir, this.name), merged);
  }
}

/**
 * cucumber.html: the official @cucumber/html-formatter page drawn from the run's merged messages,
 * self-contained (its script and styles inlined, so it opens offline), beside baleen's index.html.
 */
export class CucumberHtmlReporter implements Reporter {
  readonly name = REPORT_FILES.cucumberHtml.name;

  async onEnd(outcome: RunOutcome): Promise<void> {
    const merged = runMessages(outcome);
    if (merged === undefined) return;
    // A CommonJS module, loaded only by runs that wrote messages. From version 21 on it writes each envelope
    // into its page's script with `<` escaped (\x3C), so no text of the suite (a name, a tag, a doc string,
    // a step) can close that script and open one of its own (issue 19; checked in Chromium, inert-reports e2e).
    const { CucumberHtmlStream } = createRequire(import.meta.url)(
      '@cucumber/html-formatter',
    ) as typeof import('@cucumber/html-formatter');
    const envelopes = merged
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as object);
    const output = join(outcome.info.reportDir, this.name);
    await pipeline(Readable.from(envelopes), new CucumberHtmlStream(), createWriteStream(output, { flags: 'wx' }));
  }
}
