import { describe, expect, it } from 'vitest';
import { selectScenarios, tagFilter } from '../../src/gherkin/tag-filter.js';
import type { ParsedFeature } from '../../src/domain/feature-plan.js';

const plan: ParsedFeature = {
  kind: 'parsed',
  file: 'f.feature',
  name: 'F',
  scenarios: [
    { name: 'quick', line: 3, tags: ['@smoke'] },
    { name: 'slow', line: 7, tags: ['@smoke', '@slow'] },
  ],
};

describe('--tags', () => {
  it('keeps the scenarios a Cucumber tag expression selects, and no feature when it selects none', () => {
    expect(selectScenarios(plan, tagFilter('@smoke and not @slow'))?.scenarios.map((s) => s.line)).toEqual([3]);
    expect(selectScenarios(plan, tagFilter('@slow or @other'))?.scenarios.map((s) => s.line)).toEqual([7]);
    expect(selectScenarios(plan, tagFilter('@nowhere'))).toBeUndefined();
  });

  it('refuses what is not a tag expression, naming it', () => {
    expect(() => tagFilter('@a and')).toThrow(/--tags "@a and" is not a Cucumber tag expression/);
  });
});
