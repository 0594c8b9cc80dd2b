import pc from 'picocolors';
import type { FeatureResult, StreamName } from '../../domain/feature-run.js';
import type { FailedFeatureEntry } from '../../cucumber-json/feature-report.js';
import { failedScenarios, linesBeforeStack, type FailedScenario } from '../../cucumber-json/scenarios.js';
import { terminalName, terminalText } from '../../util/terminal-text.js';
import { lastLines, plural } from '../../util/text.js';

/** How much of each stream a failed feature shows (the logs have all of it). */
const OUTPUT_TAIL_LINES = 20;
/** How much of one scenario's error: an assertion's diff fits, a long stack trace does not. */
const ERROR_LINES = 15;

/**
 * What the console shows of one failed feature: every failed scenario with `file:line`, its failing step and
 * that step's error from the report, then the end of both streams. Neither stream hides the other: a
 * warning on stderr says nothing about the diff cucumber-js printed on stdout. A feature without a failed
 * scenario of its own (a parse error, a crash, a timeout) shows its error and both streams.
 */
export function failureLines({ result, report }: FailedFeatureEntry): string[] {
  const file = terminalName(result.file);
  const node = result.node === undefined ? '' : pc.dim(` (on ${terminalName(result.node)})`);
  const scenarios = failedScenarios(report, { standIn: false });
  const heading =
    scenarios.length > 0
      ? `${pc.bold(file)}: ${plural(scenarios.length, 'scenario')} failed${node}`
      : `${pc.bold(file)}: ${terminalText(result.error ?? result.status)}${node}`;
  return [
    heading,
    ...scenarios.flatMap((scenario) => scenarioLines(file, scenario)),
    ...tailLines(result, 'stdout'),
    ...tailLines(result, 'stderr'),
  ];
}

function scenarioLines(file: string, scenario: FailedScenario): string[] {
  const where = `${file}:${scenario.line ?? 1}`;
  const { step, status, message } = scenario.failure;
  return [
    `  ${pc.red('✗')} ${where} ${terminalText(scenario.name)}`,
    `      ${pc.red(`${terminalText(step)}${status === 'failed' ? '' : ` (${status})`}`)}`,
    ...indent(errorText(message), 8),
  ];
}

/** An error message without its stack trace, cut to a readable length. */
function errorText(message: string): string {
  const kept = linesBeforeStack(terminalText(message).replace(/\s+$/, ''));
  return kept.length > ERROR_LINES
    ? [...kept.slice(0, ERROR_LINES), `… (${kept.length - ERROR_LINES} more lines in the report)`].join('\n')
    : kept.join('\n');
}

function tailLines(result: FeatureResult, stream: StreamName): string[] {
  const output = terminalText(result[stream].text);
  if (!output.trim()) return [];
  const tail = lastLines(output, OUTPUT_TAIL_LINES);
  const count = tail.split('\n').length;
  const cut =
    result[stream].truncatedBytes > 0
      ? `; ${result[stream].truncatedBytes} earlier bytes are only in the log file`
      : '';
  return [pc.dim(`  ${stream} (last ${plural(count, 'line')}${cut}):`), ...indent(tail, 4).map((line) => pc.dim(line))];
}

function indent(text: string, spaces: number): string[] {
  const pad = ' '.repeat(spaces);
  return text.split('\n').map((line) => pad + line);
}
