import { terminalName, terminalText } from '../../util/terminal-text.js';
import type { ScenarioFailure } from './failures.js';

/** GitHub shows only the first annotations of a step; past this many, one more line says how many were left out. */
const MAX_ANNOTATIONS = 50;
/** An annotation is a glance at the failure; the report has the whole message. */
const MESSAGE_LINES = 12;

/** An `::error file=…,line=…,title=…::…` workflow command per failed scenario (docs.github.com, "Workflow commands"). */
export function githubAnnotations(failures: readonly ScenarioFailure[]): string {
  const lines = failures.slice(0, MAX_ANNOTATIONS).map((failure) => {
    // The log shows annotations' text raw: escape sequences in an error or a name would act on it.
    const message = terminalText(`${failure.step}\n${failure.message.split('\n').slice(0, MESSAGE_LINES).join('\n')}`);
    const file = terminalName(failure.file);
    const properties = `file=${property(file)},line=${failure.line},title=${property(`${terminalName(failure.scenario)} (${file}:${failure.line})`)}`;
    return `::error ${properties}::${data(message)}`;
  });
  if (failures.length > MAX_ANNOTATIONS) {
    lines.push(
      `::error ::${data(`and ${failures.length - MAX_ANNOTATIONS} more failed scenarios: see the job's summary and the report`)}`,
    );
  }
  return lines.map((line) => `${line}\n`).join('');
}

/** The runner's escaping of a command's message (toCommandValue/escapeData in @actions/core). */
function data(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** A property value also escapes the separators of the property list. */
function property(text: string): string {
  return data(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
