import { onlyGivenArgument } from '../cucumber-cli/only-given.js';
import { jobPathArgument } from '../cucumber-cli/path-argument.js';
import { shellQuote } from '../util/shell-quote.js';
import { featurePresenceCheck } from './missing-feature.js';
import type { ReportChannel } from './report-channel.js';

/** Printed to stderr by the container's shell when --before-command fails, for the people reading its log. */
export const BEFORE_COMMAND_FAILED = 'baleen: before-command failed with exit code';

/** The words a command template's placeholders become, each already shell-quoted (or empty). */
export interface TemplateWords {
  files: string;
  file: string;
  report: string;
  tags: string;
  only: string;
}

/** Fills a command template's placeholders in one pass, so that a `{report}` inside a file's name stays part of the name. */
export function fillTemplate(template: string, words: TemplateWords): string {
  return template.replace(/\{(files|file|report|tags|only)\}/g, (_, name: keyof TemplateWords) => words[name]);
}

/** `{tags}`: ` --tags 'EXPR'` with --tags, else nothing. */
export const tagsWords = (tags: string | undefined): string =>
  tags === undefined ? '' : ` --tags ${shellQuote(tags)}`;

/**
 * Fills a command template: `{files}` becomes every feature's path as cucumber-js reads it literally (see
 * cucumberPathArgument), `{file}` the one feature's, `{report}` the report's path, each a shell-quoted word;
 * `{tags}` becomes ` --tags 'EXPR'` with --tags, else nothing; `{only}`, when the run must keep cucumber-js to
 * the given files (its config names `paths`: see onlyGivenArgument), the plugin that does, else nothing. With
 * `line` (a scenario job of --split scenarios) `{file}` and `{files}` name the one scenario, `./path:line`; a
 * feature with `selectedLines` is named with them, `./path:12:30`.
 */
export function fillCommand(
  template: string,
  values: {
    files: readonly string[];
    line?: number;
    selectedLines?: Readonly<Record<string, readonly number[]>>;
    report: string;
    tags?: string;
    only?: boolean;
  },
): string {
  const paths = values.files.map((path) =>
    shellQuote(jobPathArgument(path, values.line, values.selectedLines?.[path])),
  );
  // The run spec refuses {file} in a batch's command; reaching here with one is a bug too.
  if (paths.length !== 1 && /\{file\}/.test(template))
    throw new Error('{file} names one feature; a batch needs {files}');
  return fillTemplate(template, {
    files: paths.join(' '),
    file: paths[0]!,
    report: shellQuote(values.report),
    tags: tagsWords(values.tags),
    only: values.only ? onlyGivenArgument(values.files) : '',
  });
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
  selectedLines?: Readonly<Record<string, readonly number[]>>;
  reportPath: string;
  tags?: string;
  only?: boolean;
  beforeCommand?: string;
  /** The channel the before-command's failure is told on (see beforeCommandLines). */
  beforeChannel?: ReportChannel;
  trailer?: string;
}): string {
  const reportDir = options.reportPath.slice(0, options.reportPath.lastIndexOf('/')) || '/';
  const lines = [`mkdir -p ${shellQuote(reportDir)} 2>/dev/null`];
  if (options.beforeCommand) {
    if (!options.beforeChannel) throw new Error('a before-command needs a channel to tell its failure on');
    lines.push(...beforeCommandLines(options.beforeCommand, options.beforeChannel));
  }
  // Each feature's presence is told where the command starts (after a before-command that may cd): a missing
  // one is then named as such, not as a report that lacks it.
  lines.push(
    ...options.files.map(featurePresenceCheck),
    fillCommand(options.command, {
      files: options.files,
      report: options.reportPath,
      ...(options.line === undefined ? {} : { line: options.line }),
      ...(options.selectedLines === undefined ? {} : { selectedLines: options.selectedLines }),
      ...(options.tags === undefined ? {} : { tags: options.tags }),
      only: options.only === true,
    }),
  );
  if (options.trailer) lines.push(options.trailer);
  return lines.join('\n');
}

/**
 * The before-command in the container's shell: should the shell end during it, by a failure or by an `exit` of
 * its own, an EXIT trap says so: a line on stderr for people, and the code framed on the attempt's channel
 * for baleen (read back by `beforeCommandExit`). Only the framed code counts: a step printing the line decides
 * nothing, and the channel's nonce is the attempt's own.
 */
export function beforeCommandLines(beforeCommand: string, channel: ReportChannel): string[] {
  return [
    `baleen_before_failed() { s=$?; echo "${BEFORE_COMMAND_FAILED} $s" >&2; ${channel.frame('"$s"')}; }`,
    'trap baleen_before_failed EXIT',
    `{ ${beforeCommand}`,
    '} || exit $?',
    'trap - EXIT',
  ];
}

/** The exit code the before-command failed with, if its channel told one. */
export function beforeCommandExit(channel: ReportChannel): number | undefined {
  const code = Number.parseInt(channel.report()?.toString() ?? '', 10);
  return Number.isNaN(code) ? undefined : code;
}
