import type { FeatureResult } from '../../domain/feature-run.js';
import { terminalName, terminalText } from '../../util/terminal-text.js';

/** How a CI log folds a section away: GitHub's `::group::`, GitLab's collapsed `section_start`. */
export interface Fold {
  open(title: string): string;
  close(): string;
}

export const githubFold: Fold = {
  // A group cannot nest, and a line starting with `::` inside one would be read as a command: see failureOutput.
  open: (title) => `::group::${title}\n`,
  close: () => '::endgroup::\n',
};

/** docs.gitlab.com, "Custom collapsible sections": the name is [A-Za-z0-9_.-], the time in seconds. */
export function gitlabFold(now: () => number = Date.now): Fold {
  let sections = 0;
  let name = '';
  const seconds = () => Math.floor(now() / 1000);
  return {
    open: (title) => {
      name = `baleen_output_${++sections}`;
      return `\x1b[0Ksection_start:${seconds()}:${name}[collapsed=true]\r\x1b[0K${title}\n`;
    },
    close: () => `\x1b[0Ksection_end:${seconds()}:${name}\r\x1b[0K\n`,
  };
}

/**
 * The kept output of each failed feature, one folded section per stream, so a long log stays readable and
 * the whole tail is one click away. Lines that would read as a workflow command are defused.
 */
export function failureOutput(results: readonly FeatureResult[], fold: Fold): string {
  let text = '';
  for (const result of results) {
    for (const stream of ['stdout', 'stderr'] as const) {
      // Escape sequences and control characters (a `\r` would hide the defusing below) never reach the log.
      const tail = terminalText(result[stream].text).replace(/\n$/, '');
      if (tail.trim() === '') continue;
      const cut =
        result[stream].truncatedBytes > 0
          ? ` (the last ${result[stream].text.length} characters; logs/ has all of it)`
          : '';
      text += fold.open(`baleen: ${stream} of ${terminalName(result.file)} (${result.status})${cut}`);
      text += `${tail.replace(/^::/gm, ' ::')}\n`;
      text += fold.close();
    }
  }
  return text;
}
