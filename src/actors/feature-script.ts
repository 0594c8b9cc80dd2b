import { cucumberPathArgument } from '../cucumber-cli/path-argument.js';
import { shellQuote } from '../util/shell-quote.js';

/** Printed to stderr by the container's shell when --before-command fails, so the server can tell it apart. */
export const BEFORE_COMMAND_FAILED = 'baleen: before-command failed with exit code';

/**
 * Fills a command template in one pass: `{file}` becomes the feature's path as cucumber-js reads it literally
 * (see cucumberPathArgument), `{report}` the report's path, each a shell-quoted word; `{tags}` becomes
 * ` --tags 'EXPR'` with --tags, else nothing. One pass, so that a `{report}` inside a file's name stays part
 * of the name.
 */
export function fillCommand(template: string, values: { file: string; report: string; tags?: string }): string {
  const file = cucumberPathArgument(values.file);
  // The run spec refuses such paths; reaching here with one is a bug, not a user's mistake.
  if (!file.ok) throw new Error(`${values.file}: ${file.reason}`);
  const words = { file: shellQuote(file.argument), report: shellQuote(values.report), tags: values.tags === undefined ? '' : ` --tags ${shellQuote(values.tags)}` };
  return template.replace(/\{(file|report|tags)\}/g, (_, name: keyof typeof words) => words[name]);
}

/**
 * The script a feature's container runs through `sh -c`. The before-command runs in the same shell (so what it
 * exports reaches the command). Should the shell end during it, by a failure or by an `exit` of its own, an
 * EXIT trap says so on stderr with the code. The report's folder is made first so that a command writing to it
 * cannot fail for a missing directory.
 */
export function featureScript(options: { command: string; file: string; reportPath: string; tags?: string; beforeCommand?: string; trailer?: string }): string {
  const reportDir = options.reportPath.slice(0, options.reportPath.lastIndexOf('/')) || '/';
  const lines = [`mkdir -p ${shellQuote(reportDir)} 2>/dev/null`];
  if (options.beforeCommand) {
    lines.push(
      `trap 's=$?; echo "${BEFORE_COMMAND_FAILED} $s" >&2' EXIT`,
      `{ ${options.beforeCommand}`,
      '} || exit $?',
      'trap - EXIT',
    );
  }
  lines.push(fillCommand(options.command, { file: options.file, report: options.reportPath, ...(options.tags === undefined ? {} : { tags: options.tags }) }));
  if (options.trailer) lines.push(options.trailer);
  return lines.join('\n');
}

/** The exit code the before-command failed with, if the container's stderr says it did. */
export function beforeCommandFailure(stderrTail: string): number | undefined {
  const index = stderrTail.lastIndexOf(BEFORE_COMMAND_FAILED);
  if (index < 0) return undefined;
  const code = Number.parseInt(stderrTail.slice(index + BEFORE_COMMAND_FAILED.length), 10);
  return Number.isNaN(code) ? undefined : code;
}
