import { featureEntries, type FeatureEntry } from '../../cucumber-json/feature-report.js';
import { isFailedScenario, scenariosOf, type ScenarioRecord } from '../../cucumber-json/scenarios.js';
import { isUnsuccessful, type AttemptSummary, type FeatureResult } from '../../domain/feature-run.js';
import type { RunOutcome } from '../../domain/run-outcome.js';
import { testcaseNames, type OutlineRows } from './testcase-names.js';
import { xmlDocument, type XmlElement } from './xml-document.js';

/**
 * JUnit XML in the Surefire format that CI servers read (checked against the Jenkins xUnit plugin's
 * junit-10.xsd): a testsuite per feature file, a testcase per scenario of the feature's report as every
 * report shows it (see cucumber-json/feature-report.ts: a feature that wrote no Cucumber JSON is one
 * testcase, failed or errored, carrying its error and stderr, so it can never vanish from CI's view).
 * A retried feature's earlier failures are Surefire's flakyFailure/flakyError (it passed in the end) or
 * rerunFailure/rerunError (it failed every time). A scenario's status is the one rule's (cucumber-js's), mapped
 * as Cucumber's own JUnit XML formatter maps it: failed, ambiguous, undefined and pending are a <failure> whose
 * type is that status (they fail a strict run), skipped is <skipped/>, and so is unknown (no step).
 */
export function junitXml(outcome: RunOutcome, outlines: OutlineRows = new Map()): string {
  const root = xmlDocument('testsuites', { name: 'baleen' });
  const totals = { tests: 0, failures: 0, errors: 0 };
  for (const entry of featureEntries(outcome)) {
    const counts = addSuite(root, entry, outlines, outcome.info.startedAt);
    totals.tests += counts.tests;
    totals.failures += counts.failures;
    totals.errors += counts.errors;
  }
  // The schema has no `skipped` on testsuites: the skips are counted per testsuite.
  root.att({ ...stringify(totals), time: seconds(outcome.durationMs / 1000) });
  return root.end();
}

/** What is told of the feature as a whole: where it ran, and its retries (it ran again in a fresh container). */
function suiteProperties(result: FeatureResult): [string, string][] {
  const properties: [string, string][] = [];
  if (result.node !== undefined) properties.push(['baleen.node', result.node]);
  if (result.attempt <= 1) return properties;
  properties.push(['baleen.attempts', String(result.attempt)], ['baleen.flaky', String(result.flaky)]);
  for (const earlier of result.previousAttempts)
    properties.push([`baleen.attempt-${earlier.attempt}`, `${earlier.status}: ${earlier.error ?? ''}`.trim()]);
  return properties;
}

function addSuite(root: XmlElement, { file, result, report }: FeatureEntry, outlines: OutlineRows, startedAt: Date) {
  const scenarios = scenariosOf(report);
  const suite = root.ele('testsuite', {
    name: report[0]?.name || file,
    file,
    timestamp: startedAt.toISOString(),
    ...(result?.node === undefined ? {} : { hostname: result.node }),
  });
  const properties = result ? suiteProperties(result) : [];
  if (properties.length > 0) {
    const element = suite.ele('properties');
    for (const [name, value] of properties) element.ele('property', { name, value });
  }
  const counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const names = testcaseNames(scenarios, outlines.get(file));
  const retried = result ? earlierFailures(result, scenarios) : () => [];
  scenarios.forEach((scenario, index) => {
    const kind = addTestcase(suite, file, names[index] ?? scenario.name, scenario, result, retried(scenario));
    counts.tests++;
    if (kind !== 'passed') counts[kind]++;
  });
  suite.att({ ...stringify(counts), time: seconds((result?.durationMs ?? 0) / 1000) });
  if (result?.stdout.text) suite.ele('system-out').txt(result.stdout.text);
  if (result?.stderr.text) suite.ele('system-err').txt(result.stderr.text);
  return counts;
}

function addTestcase(
  suite: XmlElement,
  file: string,
  name: string,
  scenario: ScenarioRecord,
  result: FeatureResult | undefined,
  earlier: AttemptSummary[],
): 'passed' | 'failures' | 'errors' | 'skipped' {
  const testcase = suite.ele('testcase', {
    classname: file,
    name,
    time: seconds(scenario.durationSeconds),
  });
  // baleen's stand-in for a feature that could not be run to the end is an error, not a failed test.
  const errored = scenario.featureRun && result?.status === 'error';
  if (isFailedScenario(scenario)) {
    const { step, status, message } = scenario.failure;
    const firstLine = message.split('\n')[0] ?? '';
    // The stand-in's one step is baleen's, not the user's: its message is the whole story.
    testcase
      .ele(errored ? 'error' : 'failure', {
        message: scenario.featureRun ? firstLine : `${step}: ${firstLine}`,
        type: status,
      })
      .txt(scenario.featureRun ? message : `${step}\n${message}`);
  } else if (scenario.status === 'skipped') {
    testcase.ele('skipped', scenario.featureRun && result?.error ? { message: result.error } : {});
  } else if (scenario.status === 'unknown') {
    // cucumber-js's `unknown`: a scenario without a step. It neither passed nor failed; JUnit has skipped.
    testcase.ele('skipped', { message: 'unknown: the scenario has no step' });
  }
  const skipped = scenario.status === 'skipped' || scenario.status === 'unknown';
  if (!skipped) {
    const prefix = scenario.status === 'passed' ? 'flaky' : 'rerun';
    for (const attempt of earlier) {
      const element = `${prefix}${attempt.status === 'error' ? 'Error' : 'Failure'}`;
      testcase.ele(element, {
        message: `attempt ${attempt.attempt}: ${attempt.error ?? attempt.status}`,
        type: attempt.status,
      });
    }
  }
  if (scenario.status === 'passed') return 'passed';
  if (skipped) return 'skipped';
  return errored ? 'errors' : 'failures';
}

/**
 * The earlier failed attempts that concern a scenario. An attempt's error names its first failing scenario
 * ("Scenario › Step: message"); one that names none of this feature's scenarios (a crash, a timeout) was a
 * failure of the whole feature, and concerns every scenario, since all of them ran again.
 */
function earlierFailures(
  result: FeatureResult,
  scenarios: ScenarioRecord[],
): (scenario: ScenarioRecord) => AttemptSummary[] {
  const unsuccessful = (attempt: AttemptSummary) => isUnsuccessful(attempt.status);
  // A feature split into scenarios (--split scenarios) knows each scenario's own earlier attempts by its line.
  const jobs = result.scenarioJobs;
  if (jobs !== undefined)
    return (scenario) => (jobs.find((job) => job.line === scenario.line)?.previousAttempts ?? []).filter(unsuccessful);
  const failed = result.previousAttempts.filter(unsuccessful);
  const names = (attempt: AttemptSummary, scenario: ScenarioRecord) =>
    (attempt.error ?? '').startsWith(`${scenario.name} › `);
  return (scenario) =>
    failed.filter((attempt) => names(attempt, scenario) || !scenarios.some((other) => names(attempt, other)));
}

const seconds = (value: number) => value.toFixed(3);
const stringify = (counts: Record<string, number>) =>
  Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)]));
