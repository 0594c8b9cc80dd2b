import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeaturePlanSchema } from '../../src/domain/feature-plan.js';
import { parseFeature } from '../../src/gherkin/parse-feature.js';
import { planFeatures } from '../../src/gherkin/plan-features.js';

const classic = `@feature-tag
Feature: Shopping

  Background:
    Given a shop

  Scenario: one item
    Then it costs 1

  @outline-tag
  Scenario Outline: <count> items
    Then it costs <count>

    Examples: small
      | count |
      | 2     |
      | 3     |

    @big
    Examples: big
      | count |
      | 100   |

  Rule: refunds
    @refund
    Scenario: refund one
      Then it costs 0
`;

describe('parseFeature', () => {
  it("lists scenarios as cucumber-js pickles them: one per Examples row, at the row line (and its outline's line), with every tag that applies and its lineage", () => {
    const plan = parseFeature('features/shop.feature', classic);
    const outline = (example: string, ...names: string[]) => ({
      names: ['<count> items', ...names],
      example,
      template: '<count> items',
    });
    expect(FeaturePlanSchema.parse(plan)).toEqual({
      kind: 'parsed',
      file: 'features/shop.feature',
      name: 'Shopping',
      scenarios: [
        { name: 'one item', line: 7, tags: ['@feature-tag'], lineage: { names: ['one item'], template: 'one item' } },
        {
          name: '2 items',
          line: 16,
          outlineLine: 11,
          tags: ['@feature-tag', '@outline-tag'],
          lineage: outline('#1.1', 'small'),
        },
        {
          name: '3 items',
          line: 17,
          outlineLine: 11,
          tags: ['@feature-tag', '@outline-tag'],
          lineage: outline('#1.2', 'small'),
        },
        {
          name: '100 items',
          line: 22,
          outlineLine: 11,
          tags: ['@feature-tag', '@outline-tag', '@big'],
          lineage: outline('#2.1', 'big'),
        },
        {
          name: 'refund one',
          line: 26,
          tags: ['@feature-tag', '@refund'],
          lineage: { names: ['refunds', 'refund one'], template: 'refund one' },
        },
      ],
    });
  });

  it("returns the parser's message and line for a file it refuses, every error in it", () => {
    const plan = parseFeature(
      'bad.feature',
      'Feature: broken\n  Scenario: a\n    Given a\n  this is not gherkin\n  neither is this\n',
    );
    expect(plan.kind).toBe('parse-error');
    if (plan.kind !== 'parse-error') return;
    expect(plan.errors.map((error) => error.line)).toEqual([4, 5]);
    expect(plan.errors[0]!.message).toMatch(/^\(4:3\): expected: .*got 'this is not gherkin'/);
  });

  it('reads *.feature.md as Markdown with Gherkin in it', () => {
    const markdown = '# Feature: Docs\n\nSome prose.\n\n## Scenario: in markdown\n\n* Given a step\n* Then another\n';
    expect(parseFeature('docs/cli.feature.md', markdown)).toEqual({
      kind: 'parsed',
      file: 'docs/cli.feature.md',
      name: 'Docs',
      scenarios: [
        { name: 'in markdown', line: 5, tags: [], lineage: { names: ['in markdown'], template: 'in markdown' } },
      ],
    });
    // The same text as classic Gherkin is an error: the mode really depends on the name.
    expect(parseFeature('docs/cli.feature', markdown).kind).toBe('parse-error');
  });

  it('follows a # language header', () => {
    const plan = parseFeature(
      'fr.feature',
      '# language: fr\nFonctionnalité: Achats\n  Scénario: un article\n    Soit un magasin\n',
    );
    expect(plan).toMatchObject({ kind: 'parsed', name: 'Achats', scenarios: [{ name: 'un article', line: 3 }] });
  });

  it('finds no scenario in a file without a Feature, and no error either', () => {
    expect(parseFeature('empty.feature', '# only a comment\n')).toEqual({
      kind: 'parsed',
      file: 'empty.feature',
      name: '',
      scenarios: [],
    });
  });
});

describe('planFeatures', () => {
  it('reads the files relative to cwd, in the order given; an unreadable one is a usage error naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'baleen-plan-'));
    await writeFile(join(dir, 'b.feature'), 'Feature: B\n  Scenario: b\n    Given b\n');
    await writeFile(join(dir, 'a.feature'), 'Feature: A\n  Scenario: a\n');
    const plans = await planFeatures(['b.feature', 'a.feature'], dir);
    expect(plans.map((plan) => plan.kind === 'parsed' && plan.name)).toEqual(['B', 'A']);
    await expect(planFeatures(['missing.feature'], dir)).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('missing.feature'),
    });
  });
});
