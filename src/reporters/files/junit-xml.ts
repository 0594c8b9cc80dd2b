import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { FeatureResult } from '../../domain/feature-run.js';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { xmlSafe } from '../../util/text.js';
import { scenariosOf, type ScenarioRecord } from '../cucumber/scenarios.js';

/**
 * JUnit XML as CI servers read it: a testsuite per feature file, a testcase per scenario. A feature that
 * produced no Cucumber JSON (a parse error, a crash, a container that never ran) is still one testcase,
 * failed or errored, carrying its error and stderr, so it can never vanish from CI's view.
 */
export function junitXml(outcome: RunOutcome): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', { name: 'baleen' });
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const result of outcome.results) {
    const counts = addSuite(root, result, outcome.info.startedAt);
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
    totals.skipped += counts.skipped;
  }
  for (const file of outcome.unfinished) {
    const suite = root.ele('testsuite', { name: file, file, tests: 1, failures: 0, errors: 0, skipped: 1, time: '0' });
    suite.ele('testcase', { classname: file, name: file, file, time: '0' }).ele('skipped', { message: 'the run ended before this feature finished' });
    totals.tests++;
    totals.skipped++;
  }
  root.att({ ...stringify(totals), time: seconds(outcome.durationMs / 1000) });
  return root.end({ prettyPrint: true });
}

/** What is told of the feature as a whole: where it ran, and its retries (it ran again in a fresh container). */
function suiteProperties(result: FeatureResult): [string, string][] {
  const properties: [string, string][] = [];
  if (result.node !== undefined) properties.push(['baleen.node', xmlSafe(result.node)]);
  if (result.attempt > 1) {
    properties.push(['baleen.attempts', String(result.attempt)], ['baleen.flaky', String(result.flaky)]);
    for (const earlier of result.previousAttempts) properties.push([`baleen.attempt-${earlier.attempt}`, xmlSafe(`${earlier.status}: ${earlier.error ?? ''}`.trim())]);
  }
  return properties;
}

function addSuite(root: XMLBuilder, result: FeatureResult, startedAt: Date) {
  const scenarios = scenariosOf(result.cucumberJson ?? []);
  const name = featureName(result) ?? result.file;
  const suite = root.ele('testsuite', { name, file: result.file, timestamp: startedAt.toISOString() });
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const properties = suiteProperties(result);
  if (properties.length > 0) {
    const element = suite.ele('properties');
    for (const [name, value] of properties) element.ele('property', { name, value });
  }
  for (const scenario of scenarios) {
    addScenario(suite, result.file, scenario);
    counts.tests++;
    if (scenario.status === 'failed') counts.failures++;
    if (scenario.status === 'skipped') counts.skipped++;
  }
  // The feature as a whole went wrong without a failing scenario to show for it: make that a testcase too.
  if (result.status !== 'passed' && counts.failures === 0) {
    const testcase = suite.ele('testcase', { classname: result.file, name: `${name} (feature run)`, file: result.file, time: seconds(result.durationMs / 1000) });
    const message = xmlSafe(result.error ?? result.status);
    counts.tests++;
    if (result.status === 'skipped' || result.status === 'cancelled') {
      testcase.ele('skipped', { message });
      counts.skipped++;
    } else if (result.status === 'failed') {
      testcase.ele('failure', { message, type: result.status }).txt(xmlSafe(result.stderr.text));
      counts.failures++;
    } else {
      testcase.ele('error', { message, type: result.status }).txt(xmlSafe(result.stderr.text));
      counts.errors++;
    }
  }
  suite.att({ ...stringify(counts), time: seconds(result.durationMs / 1000) });
  if (result.stdout.text) suite.ele('system-out').txt(xmlSafe(result.stdout.text));
  if (result.stderr.text) suite.ele('system-err').txt(xmlSafe(result.stderr.text));
  return counts;
}

function addScenario(suite: XMLBuilder, file: string, scenario: ScenarioRecord): void {
  const testcase = suite.ele('testcase', {
    classname: file,
    name: scenario.name,
    file,
    ...(scenario.line === undefined ? {} : { line: String(scenario.line) }),
    time: seconds(scenario.durationSeconds),
  });
  if (scenario.failure) {
    const firstLine = scenario.failure.message.split('\n')[0] ?? '';
    testcase
      .ele('failure', { message: xmlSafe(`${scenario.failure.step}: ${firstLine}`), type: 'failed' })
      .txt(xmlSafe(`${scenario.failure.step}\n${scenario.failure.message}`));
  } else if (scenario.status === 'skipped') {
    testcase.ele('skipped');
  }
}

function featureName(result: FeatureResult): string | undefined {
  const name = result.cucumberJson?.[0]?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

const seconds = (value: number) => value.toFixed(3);
const stringify = (counts: Record<string, number>) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)]));
