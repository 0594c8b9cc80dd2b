import { describe, expect, it } from 'vitest';
import type { FeatureResult } from '../../src/domain/feature-run.js';
import { overviewHtml } from '../../src/reporters/html/overview/overview-html.js';
import { overviewFeatures } from '../../src/reporters/html/overview/overview-model.js';
import { featureResult, runOutcome, tail } from '../support/run-fixtures.js';

const result = featureResult;
const outcome = runOutcome;
const HOSTILE = '<img src=x onerror=alert(1)> & "q"';

describe('the run overview', () => {
  it('puts failures first, then flaky features, then what did not run, then passed ones', () => {
    const features = overviewFeatures(
      outcome(
        [
          result({ file: 'features/a.feature' }),
          result({ file: 'features/b.feature', status: 'failed', exitCode: 1, error: 'exited with code 1' }),
          result({ file: 'features/c.feature', flaky: true, attempt: 2 }),
          result({ file: 'features/d.feature', status: 'error', error: 'timed out' }),
        ],
        ['features/e.feature'],
      ),
    );
    expect(features.map((feature) => [feature.file, feature.group])).toEqual([
      ['features/b.feature', 'failed'],
      ['features/d.feature', 'failed'],
      ['features/c.feature', 'flaky'],
      ['features/e.feature', 'not run'],
      ['features/a.feature', 'passed'],
    ]);
  });

  it('shows a flaky feature with every attempt and its error', () => {
    const flaky = result({
      file: 'features/flaky.feature',
      flaky: true,
      attempt: 3,
      previousAttempts: [
        {
          attempt: 1,
          status: 'failed',
          exitCode: 1,
          durationMs: 10,
          error: 'first › Then it works: connection refused',
        },
        { attempt: 2, status: 'error', exitCode: null, durationMs: 20, error: 'timed out after 1s' },
      ],
    });
    const html = overviewHtml(outcome([flaky]));
    expect(html).toMatch(/<details class="baleen-feature baleen-flaky" data-status="flaky">/);
    expect(html).toContain('<li>attempt 1: failed — first › Then it works: connection refused (10ms)</li>');
    expect(html).toContain('<li>attempt 2: error — timed out after 1s (20ms)</li>');
    expect(html).toContain('<li>attempt 3: passed</li>');
  });

  it('escapes every text a run brings: paths, node, errors, scenario names, steps, output', () => {
    const report = [
      {
        name: HOSTILE,
        uri: 'x',
        elements: [
          {
            name: HOSTILE,
            line: 3,
            type: 'scenario',
            steps: [{ keyword: 'Then ', name: HOSTILE, result: { status: 'failed', error_message: HOSTILE } }],
          },
        ],
      },
    ];
    const hostile = result({
      file: `features/${HOSTILE}.feature`,
      status: 'failed',
      node: HOSTILE,
      error: HOSTILE,
      cucumberJson: report,
      stdout: tail(HOSTILE),
      stderr: tail(HOSTILE),
      containerStartedAt: 1000,
      containerEndedAt: 2000,
    });
    const html = overviewHtml(outcome([hostile]));
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62; &#38; &#34;q&#34;');
    // The log link is a relative URL of the encoded path.
    expect(html).toContain(
      'href="logs/features/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%20%26%20%22q%22.feature.stderr.log"',
    );
  });

  it('draws a lane per slot and packs containers without one into the first free lane of their node', () => {
    const at = (file: string, start: number, end: number, slot?: number) =>
      result({
        file,
        containerStartedAt: start,
        containerEndedAt: end,
        node: 'n1',
        ...(slot === undefined ? {} : { slot }),
      });
    const lanes = (results: FeatureResult[]) =>
      [...overviewHtml(outcome(results)).matchAll(/<text class="lane"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(lanes([at('features/a.feature', 0, 10, 1), at('features/b.feature', 0, 10, 0)])).toEqual([
      'n1 · slot 0',
      'n1 · slot 1',
    ]);
    expect(
      lanes([at('features/a.feature', 0, 10), at('features/b.feature', 5, 15), at('features/c.feature', 10, 20)]),
    ).toEqual(['n1 · lane 0', 'n1 · lane 1']);
  });
});

describe("the run overview's artifacts", () => {
  it('links each file --collect brought back under artifacts/<feature path>/, and says what was cut', () => {
    const collected = result({
      file: 'features/a b.feature',
      status: 'failed',
      exitCode: 1,
      artifacts: { files: [{ path: 'screenshots/<x>.png', bytes: 0 }], note: 'cut at 1 MiB: 3 files left out' },
    });
    const html = overviewHtml(outcome([collected]));
    expect(html).toContain(
      '<p class="baleen-artifacts">artifacts: <a href="artifacts/features/a%20b.feature/screenshots/%3Cx%3E.png">screenshots/&#60;x&#62;.png</a> <em>(cut at 1 MiB: 3 files left out)</em></p>',
    );
  });
});
