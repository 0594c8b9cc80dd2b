import { scenarioStatus } from '../cucumber-json/scenario-status.js';
import { scenarioStepsOf } from '../cucumber-json/scenarios.js';
import type { CucumberJson } from '../domain/cucumber-json.js';

/**
 * Whether a Cucumber report shows that a feature's scenarios ran: it must name the feature (by its uri, the
 * path relative to the command's working directory) and hold a scenario that passed or was skipped (by the one
 * scenario status rule) at each line the client's parser expects (one per scenario, one per Scenario Outline
 * row, as cucumber-js pickles them). A skipped scenario (its own hook skipped it, or a dry run) fails nothing,
 * as cucumber-js has it; the reports count it as skipped, not passed. Returns why not, or undefined when it
 * does. Failing scenarios are found before this is asked (see classifyOutcome); what is left here is a
 * scenario that is missing, or whose status baleen does not know.
 */
export function reportCoverageProblem(
  report: CucumberJson,
  file: string,
  expectedLines: readonly number[] | undefined,
): string | undefined {
  const feature = report.find((entry) => entry.uri !== undefined && samePath(entry.uri, file));
  if (!feature) {
    // A feature without scenarios is absent from the report, as cucumber-js leaves it out.
    if (expectedLines?.length === 0) return undefined;
    const named = report.flatMap((entry) => (entry.uri === undefined ? [] : [entry.uri]));
    const holds = expectedLines === undefined ? '' : `, which holds ${scenarios(expectedLines.length)}`;
    return `its Cucumber report does not name ${file}${holds} (it names ${named.length === 0 ? 'no feature' : named.join(', ')}): nothing shows that it ran`;
  }
  const statusAt = new Map(scenarioStepsOf(feature).map(({ element, steps }) => [element.line, scenarioStatus(steps)]));
  const lines = expectedLines ?? [...statusAt.keys()].filter((line): line is number => line !== undefined);
  if (lines.length === 0) return `its Cucumber report names ${file} but no scenario of it ran`;
  const missing = lines.filter((line) => !statusAt.has(line));
  // Scenarios at lines the client's copy has none at: the image holds another version of the file.
  const expected = new Set(lines);
  const elsewhere = [...statusAt.keys()].filter((line): line is number => line !== undefined && !expected.has(line));
  const stale =
    elsewhere.length === 0
      ? ''
      : `; it has scenarios at line ${elsewhere.join(', ')} instead: is the image built from this tree?`;
  if (missing.length === lines.length)
    return `its Cucumber report names no scenario of ${file}, which holds ${scenarios(lines.length)}${stale}`;
  if (missing.length > 0)
    return `its Cucumber report lacks ${missing.length} of the ${scenarios(lines.length)} of ${file} (line ${missing.join(', ')})${stale}`;
  const unknown = lines.filter((line) => !RAN.has(statusAt.get(line)!));
  if (unknown.length > 0)
    return `${unknown.length} of the ${scenarios(lines.length)} of ${file} ended neither passed, failed nor skipped (line ${unknown.join(', ')})`;
  return undefined;
}

/** The statuses of a scenario that ran to its end without failing: passed, or skipped (by its own hook). */
const RAN: ReadonlySet<string> = new Set(['passed', 'skipped']);

/** cucumber-js writes the uri relative and normalised; the path given may start with `./`. */
function samePath(uri: string, file: string): boolean {
  const normal = (path: string) => path.replace(/^(\.\/)+/, '');
  return normal(uri) === normal(file);
}

const scenarios = (count: number) => `${count} scenario${count === 1 ? '' : 's'}`;
