import { stripAnsi } from '../util/text.js';
import type { CucumberJson, CucumberStep } from '../domain/cucumber-json.js';
import { ISSUE_HEADER } from './summary-issues.js';

/**
 * What cucumber-js says of an undefined step, around the snippet it suggests (its own words: the failure list
 * shows the step as cucumber-js printed it, the snippet in the suite's own syntax and parameter types).
 */
export function undefinedStepMessage(snippet: string): string {
  const indented = snippet
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
  return `Undefined. Implement with the following snippet:\n\n${indented}`;
}

const SNIPPET_INTRO = 'Undefined. Implement with the following snippet:';
/** `   ? When nobody defined this step`: an undefined step (no ` # location` after it, unlike a pending one). */
const UNDEFINED_STEP = /^(\s*)\? (.+)$/;

/**
 * The snippets cucumber-js printed for undefined steps in a container's output (its progress, summary and
 * pretty formatters all end with the issues, each undefined step followed by its snippet), by scenario
 * (`uri:line`) and step (`Keyword text`). Cucumber JSON has no snippet; this is where the run said it.
 */
export function snippetsInOutput(output: string): Map<string, string> {
  const snippets = new Map<string, string>();
  const lines = stripAnsi(output).split('\n');
  let scenario: string | undefined;
  let step: string | undefined;
  for (let at = 0; at < lines.length; at++) {
    const line = lines[at]!;
    const header = ISSUE_HEADER.exec(line);
    if (header) {
      scenario = `${header[1]}:${header[2]}`;
      step = undefined;
      continue;
    }
    const undefinedStep = UNDEFINED_STEP.exec(line);
    if (undefinedStep && !/ # \S+:\d+\s*$/.test(line)) step = undefinedStep[2]!.trim();
    if (line.trim() !== SNIPPET_INTRO || scenario === undefined || step === undefined) continue;
    // A blank line, then the snippet, indented, up to the next blank line.
    const body: string[] = [];
    for (at += 2; at < lines.length && lines[at]!.trim() !== ''; at++) body.push(lines[at]!);
    const indent = Math.min(...body.map((text) => /^\s*/.exec(text)![0].length));
    if (body.length > 0) snippets.set(snippetKey(scenario, step), body.map((text) => text.slice(indent)).join('\n'));
    step = undefined;
  }
  return snippets;
}

function snippetKey(scenario: string, step: string): string {
  return `${scenario}\u0000${step}`;
}

/**
 * The report with each undefined step that has no message given cucumber-js's snippet for it, as its output
 * printed it; a report without such a step, or an output without the snippet, is returned as it is.
 */
export function withUndefinedSnippets(report: CucumberJson, output: string): CucumberJson {
  const undefinedWithout = (step: CucumberStep) =>
    step.result?.status === 'undefined' && step.result.error_message === undefined;
  if (!report.some((feature) => feature.elements?.some((element) => element.steps?.some(undefinedWithout))))
    return report;
  const snippets = snippetsInOutput(output);
  if (snippets.size === 0) return report;
  return report.map((feature) => ({
    ...feature,
    elements: feature.elements?.map((element) => ({
      ...element,
      steps: element.steps?.map((step) => {
        if (!undefinedWithout(step)) return step;
        const key = snippetKey(`${feature.uri}:${element.line}`, `${(step.keyword ?? '').trim()} ${step.name ?? ''}`);
        const snippet = snippets.get(key);
        return snippet === undefined
          ? step
          : { ...step, result: { ...step.result, error_message: undefinedStepMessage(snippet) } };
      }),
    })),
  }));
}
