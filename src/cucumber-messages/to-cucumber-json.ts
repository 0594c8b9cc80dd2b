import type { CucumberElement, CucumberFeature, CucumberJson, CucumberStep } from '../domain/cucumber-json.js';
import { undefinedStepMessage } from '../cucumber-json/undefined-snippets.js';
import type { Envelope, GherkinChild, GherkinScenario } from './envelopes.js';

/** Where a Gherkin node is, and what a step of it says, by its id. */
interface AstNode {
  line?: number;
  keyword?: string;
}

type Result = NonNullable<Envelope['testStepFinished']>['testStepResult'];

/**
 * A small adapter from Cucumber Messages to the Cucumber JSON records every report reads (the scenario status
 * rule, the pass rule, the reporters), so that a feature reported in messages is judged by the same rule as
 * one reported in JSON: one scenario per test case at its pickle's line (an Outline row's line for a row, as
 * cucumber-js's JSON has it), its hooks as hidden steps, each step's result from the last attempt. A step
 * without a result has none here either, and so does not pass.
 */
export function messagesToCucumberJson(envelopes: readonly Envelope[]): CucumberJson {
  const nodes = new Map<string, AstNode>();
  const features = new Map<string, CucumberFeature>();
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const testCases: NonNullable<Envelope['testCase']>[] = [];
  const lastStart = new Map<string, NonNullable<Envelope['testCaseStarted']>>();
  const results = new Map<string, Map<string, Result>>();
  const snippets = new Map<string, string>();

  for (const envelope of envelopes) {
    const document = envelope.gherkinDocument;
    if (document?.feature && document.uri !== undefined) {
      for (const child of document.feature.children) indexChild(child, nodes);
      features.set(document.uri, {
        id: document.uri,
        uri: document.uri,
        keyword: document.feature.keyword,
        name: document.feature.name,
        description: document.feature.description ?? '',
        line: document.feature.location?.line,
        tags: [],
        elements: [],
      });
    }
    if (envelope.pickle) pickles.set(envelope.pickle.id, envelope.pickle);
    const suggestion = envelope.suggestion;
    if (suggestion && suggestion.snippets.length > 0)
      snippets.set(suggestion.pickleStepId, suggestion.snippets.map((snippet) => snippet.code).join('\n\n'));
    if (envelope.testCase) testCases.push(envelope.testCase);
    const started = envelope.testCaseStarted;
    if (started && started.attempt >= (lastStart.get(started.testCaseId)?.attempt ?? -1))
      lastStart.set(started.testCaseId, started);
    const finished = envelope.testStepFinished;
    if (finished) {
      const steps = results.get(finished.testCaseStartedId) ?? new Map<string, Result>();
      steps.set(finished.testStepId, finished.testStepResult);
      results.set(finished.testCaseStartedId, steps);
    }
  }

  for (const testCase of testCases) {
    const pickle = pickles.get(testCase.pickleId);
    const feature = pickle?.uri === undefined ? undefined : features.get(pickle.uri);
    if (!pickle || !feature) continue;
    const started = lastStart.get(testCase.id);
    const stepResults = started ? results.get(started.id) : undefined;
    const pickleSteps = new Map(pickle.steps.map((step) => [step.id, step]));
    let seenStep = false;
    const steps: CucumberStep[] = testCase.testSteps.map((testStep) => {
      const result = stepResults?.get(testStep.id);
      const pickleStep = testStep.pickleStepId === undefined ? undefined : pickleSteps.get(testStep.pickleStepId);
      const base: CucumberStep = pickleStep
        ? {
            keyword: nodes.get(pickleStep.astNodeIds[0] ?? '')?.keyword ?? '',
            name: pickleStep.text,
            line: nodes.get(pickleStep.astNodeIds[0] ?? '')?.line,
          }
        : { keyword: seenStep ? 'After' : 'Before', hidden: true };
      if (pickleStep) seenStep = true;
      if (!result) return base;
      const snippet = testStep.pickleStepId === undefined ? undefined : snippets.get(testStep.pickleStepId);
      return { ...base, result: stepResult(result, snippet) };
    });
    // An Outline row's pickle names the scenario first and the row last: its line is the row's.
    const scenario = nodes.get(pickle.astNodeIds[0] ?? '');
    const line = nodes.get(pickle.astNodeIds[pickle.astNodeIds.length - 1] ?? '')?.line;
    const element: CucumberElement = {
      id: pickle.id,
      keyword: scenario?.keyword ?? 'Scenario',
      name: pickle.name,
      type: 'scenario',
      line,
      description: '',
      tags: [],
      steps,
    };
    feature.elements!.push(element);
  }
  return [...features.values()];
}

function indexChild(child: GherkinChild, nodes: Map<string, AstNode>): void {
  for (const step of child.background?.steps ?? [])
    nodes.set(step.id, { line: step.location?.line, keyword: step.keyword });
  if (child.scenario) indexScenario(child.scenario, nodes);
  for (const inner of child.rule?.children ?? []) indexChild(inner, nodes);
}

function indexScenario(scenario: GherkinScenario, nodes: Map<string, AstNode>): void {
  nodes.set(scenario.id, { line: scenario.location?.line, keyword: scenario.keyword });
  for (const step of scenario.steps) nodes.set(step.id, { line: step.location?.line, keyword: step.keyword });
  for (const examples of scenario.examples)
    for (const row of examples.tableBody) nodes.set(row.id, { line: row.location?.line });
}

/**
 * Messages name statuses in capitals and time in seconds and nanos; Cucumber JSON in lower case and nanoseconds.
 * An undefined step carries cucumber-js's snippet for it (its `suggestion`) as its message.
 */
function stepResult(result: Result, snippet: string | undefined): NonNullable<CucumberStep['result']> {
  const duration = result.duration === undefined ? undefined : result.duration.seconds * 1e9 + result.duration.nanos;
  const status = result.status.toLowerCase();
  const message =
    result.message ?? (status === 'undefined' && snippet !== undefined ? undefinedStepMessage(snippet) : undefined);
  return {
    status,
    ...(duration === undefined ? {} : { duration }),
    ...(message === undefined ? {} : { error_message: message }),
  };
}
