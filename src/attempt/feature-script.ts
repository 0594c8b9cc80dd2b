import { cucumberLineArgument, cucumberPathArgument } from '../cucumber-cli/path-argument.js';
import { shellQuote } from '../util/shell-quote.js';

/** Printed to stderr by the container's shell when --before-command fails, so the server can tell it apart. */
export const BEFORE_COMMAND_FAILED = 'baleen: before-command failed with exit code';

/**
 * Fills a command template in one pass: `{files}` becomes every feature's path as cucumber-js reads it
 * literally (see cucumberPathArgument), `{file}` the one feature's, `{report}` the report's path, each a
 * shell-quoted word; `{tags}` becomes ` --tags 'EXPR'` with --tags, else nothing. With `line` (a scenario job
 * of --split scenarios) `{file}` and `{files}` name the one scenario, `./path:line`. One pass, so that a
 * `{report}` inside a file's name stays part of the name.
 */
export function fillCommand(
  template: string,
  values: { files: readonly string[]; line?: number; report: string; tags?: string },
): string {
  const paths = values.files.map((path) => {
    const argument = values.line === undefined ? cucumberPathArgument(path) : cucumberLineArgument(path, values.line);
    // The run spec refuses such paths; reaching here with one is a bug, not a user's mistake.
    if (!argument.ok) throw new Error(`${path}: ${argument.reason}`);
    return shellQuote(argument.argument);
  });
  // The run spec refuses {file} in a batch's command; reaching here with one is a bug too.
  if (paths.length !== 1 && /\{file\}/.test(template))
    throw new Error('{file} names one feature; a batch needs {files}');
  const words = {
    files: paths.join(' '),
    file: paths[0]!,
    report: shellQuote(values.report),
    tags: values.tags === undefined ? '' : ` --tags ${shellQuote(values.tags)}`,
  };
  return template.replace(/\{(files|file|report|tags)\}/g, (_, name: keyof typeof words) => words[name]);
}

/**
 * The script a feature's container runs through `sh -c`. The before-command runs in the same shell (so what it
 * exports reaches the command). Should the shell end during it, by a failure or by an `exit` of its own, an
 * EXIT trap says so on stderr with the code. The report's folder is made first so that a command writing to it
 * cannot fail for a missing directory.
 */
export function featureScript(options: {
  command: string;
  files: readonly string[];
  line?: number;
  reportPath: string;
  tags?: string;
  beforeCommand?: string;
  trailer?: string;
}): string {
  const reportDir = options.reportPath.slice(0, options.reportPath.lastIndexOf('/')) || '/';
  const lines = [`mkdir -p ${shellQuote(reportDir)} 2>/dev/null`];
  if (options.beforeCommand) lines.push(...beforeCommandLines(options.beforeCommand));
  lines.push(
    fillCommand(options.command, {
      files: options.files,
      report: options.reportPath,
      ...(options.line === undefined ? {} : { line: options.line }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
    }),
  );
  if (options.trailer) lines.push(options.trailer);
  return lines.join('\n');
}

/**
 * The before-command in the container's shell: should the shell end during it, by a failure or by an `exit` of
 * its own, an EXIT trap says so on stderr with the code (read back by `beforeCommandFailure`).
 */
export function beforeCommandLines(beforeCommand: string): string[] {
  return [
    `trap 's=$?; echo "${BEFORE_COMMAND_FAILED} $s" >&2' EXIT`,
    `{ ${beforeCommand}`,
    '} || exit $?',
    'trap - EXIT',
  ];
}

/** The exit code the before-command failed with, if the container's stderr says it did. */
export function beforeCommandFailure(stderrTail: string): number | undefined {
  const index = stderrTail.lastIndexOf(BEFORE_COMMAND_FAILED);
  if (index < 0) return undefined;
  const code = Number.parseInt(stderrTail.slice(index + BEFORE_COMMAND_FAILED.length), 10);
  return Number.isNaN(code) ? undefined : code;
}
