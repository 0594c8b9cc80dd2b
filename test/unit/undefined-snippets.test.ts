import { describe, expect, it } from 'vitest';
import { scenariosOf } from '../../src/cucumber-json/scenarios.js';
import { CucumberJsonSchema } from '../../src/domain/cucumber-json.js';
import { snippetsInOutput, withUndefinedSnippets } from '../../src/cucumber-json/undefined-snippets.js';

/** The end of cucumber-js 12's progress output for a run with an undefined step (a pending one beside it). */
const OUTPUT = `..U..P..

Failures:

1) Scenario: is undefined # features/statuses/every-status.feature:13
   \u001b[32m✔ Given the number 1 # features/step_definitions/steps.js:6\u001b[39m
   ? When nobody defined this step
       Undefined. Implement with the following snippet:

         When('nobody defined this step', function () {
           // Write code here that turns the phrase above into concrete actions
           return 'pending';
         });

2) Scenario: adds <a> # features/statuses/every-status.feature:33
   ✔ Given the number 1 # features/step_definitions/steps.js:6
   ? When I add 7 apples
       Undefined. Implement with the following snippet:

         When('I add {int} apples', function (int) {
         // When('I add {float} apples', function (float) {
           // Write code here that turns the phrase above into concrete actions
           return 'pending';
         });

Warnings:

1) Scenario: is pending # features/statuses/every-status.feature:16
   ✔ Given the number 1 # features/step_definitions/steps.js:6
   ? When a step is pending # features/step_definitions/steps.js:27
       Pending

3 scenarios (2 undefined, 1 pending)
`;

const SNIPPET = [
  "When('nobody defined this step', function () {",
  '  // Write code here that turns the phrase above into concrete actions',
  "  return 'pending';",
  '});',
].join('\n');

describe("cucumber-js's snippet for an undefined step", () => {
  it('is read from the output by scenario and step, as cucumber-js printed it', () => {
    const snippets = snippetsInOutput(OUTPUT);
    expect([...snippets.values()]).toEqual([
      SNIPPET,
      [
        "When('I add {int} apples', function (int) {",
        "// When('I add {float} apples', function (float) {",
        '  // Write code here that turns the phrase above into concrete actions',
        "  return 'pending';",
        '});',
      ].join('\n'),
    ]);
  });

  it("becomes the undefined step's message in the report every failure list reads; a pending step keeps its own", () => {
    const report = CucumberJsonSchema.parse([
      {
        uri: 'features/statuses/every-status.feature',
        name: 'Every step status',
        elements: [
          {
            type: 'scenario',
            name: 'is undefined',
            line: 13,
            steps: [
              { keyword: 'Given ', name: 'the number 1', result: { status: 'passed' } },
              { keyword: 'When ', name: 'nobody defined this step', result: { status: 'undefined' } },
            ],
          },
          {
            type: 'scenario',
            name: 'is pending',
            line: 16,
            steps: [{ keyword: 'When ', name: 'a step is pending', result: { status: 'pending' } }],
          },
        ],
      },
    ]);
    const failures = scenariosOf(withUndefinedSnippets(report, OUTPUT)).map((scenario) => scenario.failure);
    expect(failures).toEqual([
      {
        step: 'When nobody defined this step',
        status: 'undefined',
        message: `Undefined. Implement with the following snippet:\n\n${SNIPPET.replace(/^/gm, '  ')}`,
      },
      { step: 'When a step is pending', status: 'pending', message: 'the step is pending' },
    ]);
    // Without the snippet in the output, the report is as it was.
    expect(withUndefinedSnippets(report, '')).toBe(report);
  });
});
