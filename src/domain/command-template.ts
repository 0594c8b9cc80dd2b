import { DEFAULT_INVOCATION } from '../cucumber-cli/cucumber-invocation.js';

/**
 * The default command each container runs; `{file}`, `{only}`, `{report}` and `{tags}` are filled in per feature.
 * The suite's own cucumber-js (node_modules/.bin in the working directory) when the image has one: only that
 * copy sees the suite's dependencies (ts-node, its support code); else the one on PATH, as a runner image
 * provides. `{only}` keeps it to the given file when the suite's config names `paths` (see only-given.ts).
 */
export const DEFAULT_COMMAND = `${DEFAULT_INVOCATION} {file}{only}{tags} --format json:{report}`;

/** The default command with --batch: the same, given every feature of the batch. */
export const DEFAULT_BATCH_COMMAND = DEFAULT_COMMAND.replace('{file}', '{files}');

/** Whether a command template writes a Cucumber report: without `{report}` a feature is judged by its exit code alone. */
export function commandWritesReport(command: string): boolean {
  return command.includes('{report}');
}
