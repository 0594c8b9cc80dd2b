import { describe, expect, it } from 'vitest';
import { CucumberJsonSchema } from '../../src/domain/cucumber-json.js';
import { forTemplateCounts } from '../../src/reporters/html/template-counts.js';

const step = (status?: string, extra: Record<string, unknown> = {}) => ({
  keyword: 'Given ',
  name: `a ${status} step`,
  ...(status ? { result: { status, duration: 1 } } : {}),
  ...extra,
});

describe("the HTML report's copy of the run", () => {
  it('says in the terms cucumber-html-reporter counts what the one rule decided, and leaves out the stand-ins', () => {
    const report = CucumberJsonSchema.parse([
      {
        name: 'F',
        elements: [
          { type: 'background', steps: [step('passed')] },
          { type: 'scenario', name: 'undefined', steps: [step('undefined')] },
          {
            type: 'scenario',
            name: 'hook',
            steps: [
              step('passed', {
                keyword: 'Before',
                hidden: true,
                result: { status: 'failed', error_message: 'hook broke' },
              }),
              step('skipped'),
            ],
          },
          { type: 'scenario', name: 'no result', steps: [step(undefined)] },
          { type: 'scenario', name: 'empty', steps: [] },
          { type: 'scenario', id: 'baleen;feature-run', name: 'F (feature run)', steps: [step('failed')] },
        ],
      },
    ]);
    const [feature] = forTemplateCounts(report);
    const elements = feature!.elements!;
    // The Background is folded into the scenario after it, as cucumber-js writes it.
    expect(elements.map((e) => [e.name, e.steps!.map((s) => [s.result?.status, s.hidden ?? false])])).toEqual([
      // Undefined stays undefined: the template counts it as cucumber-js does (its Undefined card, its pie).
      [
        'undefined',
        [
          ['passed', false],
          ['undefined', false],
        ],
      ],
      [
        'hook',
        [
          ['failed', false],
          ['skipped', false],
        ],
      ],
      ['no result', [['skipped', false]]],
      ['empty', [['skipped', false]]],
    ]);
    // cucumber.json itself is not touched.
    expect(report[0]!.elements![1]!.steps![0]!.result?.status).toBe('undefined');
    expect(report[0]!.elements![5]!.name).toBe('F (feature run)');
  });
});
