import { describe, expect, it } from 'vitest';
import { scenariosOf } from '../../src/cucumber-json/scenarios.js';
import { parseEnvelopes } from '../../src/cucumber-messages/envelopes.js';
import { mergeMessages } from '../../src/cucumber-messages/merge-messages.js';
import { messagesToCucumberJson } from '../../src/cucumber-messages/to-cucumber-json.js';

const ndjson = (envelopes: object[]) => envelopes.map((envelope) => JSON.stringify(envelope)).join('\n');
const result = (status: string, message?: string) => ({
  status,
  duration: { seconds: 0, nanos: 5 },
  ...(message ? { message } : {}),
});

// One scenario with a Before hook, run twice (cucumber-js --retry): failed, then passed.
const retried = [
  { meta: { protocolVersion: '1' } },
  { testRunStarted: { timestamp: { seconds: 1, nanos: 0 } } },
  {
    gherkinDocument: {
      uri: 'features/a.feature',
      feature: {
        location: { line: 1 },
        keyword: 'Feature',
        name: 'A',
        children: [
          {
            scenario: {
              id: 's',
              location: { line: 2 },
              keyword: 'Scenario',
              name: 'one',
              steps: [{ id: 'st', location: { line: 3 }, keyword: 'Given ', text: 'a step' }],
              examples: [],
            },
          },
        ],
      },
    },
  },
  {
    pickle: {
      id: 'p',
      uri: 'features/a.feature',
      name: 'one',
      astNodeIds: ['s'],
      steps: [{ id: 'ps', astNodeIds: ['st'], text: 'a step' }],
    },
  },
  {
    testCase: {
      id: 'tc',
      pickleId: 'p',
      testSteps: [
        { id: 'h', hookId: 'hook' },
        { id: 't', pickleStepId: 'ps' },
      ],
    },
  },
  { testCaseStarted: { id: 'run0', testCaseId: 'tc', attempt: 0 } },
  { testStepFinished: { testCaseStartedId: 'run0', testStepId: 'h', testStepResult: result('PASSED') } },
  { testStepFinished: { testCaseStartedId: 'run0', testStepId: 't', testStepResult: result('FAILED', 'boom') } },
  { testCaseStarted: { id: 'run1', testCaseId: 'tc', attempt: 1 } },
  { testStepFinished: { testCaseStartedId: 'run1', testStepId: 'h', testStepResult: result('PASSED') } },
  { testStepFinished: { testCaseStartedId: 'run1', testStepId: 't', testStepResult: result('PASSED') } },
  { testRunFinished: { success: true, timestamp: { seconds: 2, nanos: 0 } } },
];

describe('Cucumber Messages read into Cucumber JSON', () => {
  it("takes each test case's last attempt, its hooks as hidden steps, at its pickle's line", () => {
    const [feature] = messagesToCucumberJson(parseEnvelopes(ndjson(retried), 'report'));
    expect(feature).toMatchObject({ uri: 'features/a.feature', name: 'A', line: 1 });
    expect(feature!.elements![0]).toMatchObject({
      name: 'one',
      line: 2,
      steps: [
        { keyword: 'Before', hidden: true, result: { status: 'passed', duration: 5 } },
        { keyword: 'Given ', name: 'a step', line: 3, result: { status: 'passed', duration: 5 } },
      ],
    });
    expect(scenariosOf([feature!]).map((scenario) => scenario.status)).toEqual(['passed']);
  });

  it('leaves a step without a result without one: its scenario does not pass', () => {
    const last = retried.findLastIndex((envelope) => 'testStepFinished' in envelope);
    const unfinished = retried.filter((_, index) => index !== last);
    const report = messagesToCucumberJson(parseEnvelopes(ndjson(unfinished), 'report'));
    expect(scenariosOf(report).map((scenario) => scenario.status)).toEqual(['unknown']);
  });

  it('refuses a line that is not a message, naming it', () => {
    expect(() => parseEnvelopes('{"meta":{}}\nnot json', '/tmp/report')).toThrow(
      /^\/tmp\/report line 2 is not a Cucumber message/,
    );
  });

  it('merges runs into one: one meta and testRunStarted, one testRunFinished that fails when any did', () => {
    const failed = ndjson(
      retried.map((envelope) =>
        'testRunFinished' in envelope
          ? { testRunFinished: { success: false, timestamp: { seconds: 3, nanos: 0 } } }
          : envelope,
      ),
    );
    const merged = mergeMessages([ndjson(retried), failed])
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, { success?: boolean; timestamp?: unknown }>);
    expect(merged.filter((envelope) => 'meta' in envelope)).toHaveLength(1);
    expect(merged.filter((envelope) => 'testRunStarted' in envelope)).toHaveLength(1);
    expect(
      merged.filter((envelope) => 'testRunFinished' in envelope).map((envelope) => envelope.testRunFinished),
    ).toEqual([{ success: false, timestamp: { seconds: 3, nanos: 0 } }]);
    expect(merged.filter((envelope) => 'gherkinDocument' in envelope)).toHaveLength(2);
  });
});
