import { stripAnsi } from '../util/text.js';

/** `1) Scenario: name # features/a.feature:12`: an issue of cucumber-js's summary, any keyword or language. */
export const ISSUE_HEADER = /^\s*\d+\) .* # (.+):(\d+)\s*$/;
/** What ends the last issue: the next section's title, or the counts (`4 scenarios (2 failed, 2 passed)`). */
const ISSUES_END = /^(Failures|Warnings):\s*$|^\d+ (scenarios?|steps?) \(/;

/**
 * The issues of cucumber-js's summary (its progress, summary and pretty formatters all end with them: each
 * failed, pending or undefined scenario, numbered, with its steps, error and snippet) that name `file`, each
 * whole, as printed.
 */
export function issuesNaming(output: string, file: string): string[] {
  const issues: string[] = [];
  let current: string[] | undefined;
  for (const line of output.split('\n')) {
    const plain = stripAnsi(line);
    const header = ISSUE_HEADER.exec(plain);
    if (header || ISSUES_END.test(plain)) {
      if (current) issues.push(current.join('\n').trimEnd());
      current = header?.[1] === file ? [line] : undefined;
    } else current?.push(line);
  }
  if (current) issues.push(current.join('\n').trimEnd());
  return issues;
}
