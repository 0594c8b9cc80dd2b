import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { launchChromium } from '../support/chromium.js';
import { openOffline, type OfflineView } from '../support/offline-browser.js';
import { useScratch } from '../support/scratch.js';
import { refundFeature } from '../support/refund-feature.js';
import { buildSuiteImage } from '../support/suite-image.js';

const scratch = useScratch('baleen-run-overview-');
const IMAGE = 'baleen-test-run-overview';

/** Text that would set a flag if the browser ran it. */
const attack = (where: string) =>
  `<img src=x onerror="window.__ran=(window.__ran||[]).concat('${where}')"> & "${where}"`;

const FEATURES = {
  'features/refund.feature': refundFeature(attack('scenario')),
  'features/adds.feature':
    'Feature: Adds\n  Scenario: one and one\n    Given the number 1\n    When I add 1\n    Then the result is 2\n',
  'features/subtracts.feature':
    'Feature: Subtracts\n  Scenario: none\n    Given the number 1\n    When I add 0\n    Then the result is 1\n',
  'features/broken.feature': 'Feature: Broken\n  Scenario: a\n    Given the number 1\n  Oops this is not Gherkin\n',
};

// The browser globals the callbacks given to page.evaluate use (this project's tsconfig has no DOM lib).
declare const window: { __ran?: string[] };
declare const document: { body: { innerText: string } };

describe('the run overview in index.html, opened offline in Chromium', () => {
  let browser: Browser;
  let view: OfflineView;
  let reportDir = '';
  let results: { results: { file: string; containerStartedAt?: number }[] };

  beforeAll(async () => {
    const suite = scratch.path('suite');
    await buildSuiteImage(suite, IMAGE, FEATURES);
    reportDir = scratch.reportDir();
    const run = await runCli(
      [
        'cucumber',
        '--image',
        IMAGE,
        '--files',
        ...Object.keys(FEATURES),
        '--report-dir',
        reportDir,
        '--concurrency',
        '2',
      ],
      { cwd: suite },
    );
    expect(run.code, run.stderr).toBe(1);
    results = JSON.parse(await readFile(join(reportDir, 'results.json'), 'utf8'));
    browser = await launchChromium();
    view = await openOffline(browser, join(reportDir, 'index.html'));
    // For a person checking the layout; nothing is asserted on it.
    await view.page.screenshot({ path: '/tmp/baleen-run-overview.png' });
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the first failing step and its error without a click, on the first screen', async () => {
    const overview = view.page.locator('#baleen-overview');
    const step = overview.locator('.baleen-step').first();
    expect(await step.isVisible()).toBe(true);
    expect(await step.textContent()).toBe('Then the refund is 10');
    const message = overview.locator('.baleen-message').first();
    expect(await message.isVisible()).toBe(true);
    expect(await message.textContent()).toMatch(/amount: 9/);
    expect((await message.boundingBox())!.y).toBeLessThan(1000);
  });

  it('lists failures first and open, with file:line, both output tails, the node and links to the logs', async () => {
    const features = view.page.locator('#baleen-features .baleen-feature');
    const files = await features.locator('.baleen-file').allTextContents();
    expect(files).toEqual([
      'features/broken.feature',
      'features/refund.feature',
      'features/adds.feature',
      'features/subtracts.feature',
    ]);
    const broken = features.nth(0);
    expect(await broken.getAttribute('open')).not.toBeNull();
    expect(await broken.locator('.baleen-error').textContent()).toMatch(/Gherkin parse error at line 4/);
    const refund = features.nth(1);
    expect(await refund.locator('.baleen-where').allTextContents()).toEqual([
      'features/refund.feature:2',
      'features/refund.feature:6',
    ]);
    expect(await refund.locator('.baleen-stderr').textContent()).toContain('refund service: WARN slow response');
    expect(await refund.locator('.baleen-stdout').textContent()).toContain('2 scenarios (2 failed)');
    expect(await refund.locator('.baleen-meta').textContent()).toMatch(/ on \S+/);
    const href = await refund.locator('.baleen-logs a', { hasText: 'stderr' }).getAttribute('href');
    expect(await readFile(join(reportDir, decodeURIComponent(href!)), 'utf8')).toContain('WARN slow response');
    // Passed features are there, closed.
    expect(await features.nth(2).getAttribute('open')).toBeNull();
  });

  it('hides passed features under the status filter, and what does not match the search', async () => {
    const page = view.page;
    const passed = page.locator('#baleen-features .baleen-feature[data-status="passed"]');
    const failed = page.locator('#baleen-features .baleen-feature[data-status="failed"]');
    expect(await passed.first().isVisible()).toBe(true);
    await page.selectOption('#baleen-status', 'failed');
    for (const feature of await passed.all()) expect(await feature.isHidden()).toBe(true);
    for (const feature of await failed.all()) expect(await feature.isVisible()).toBe(true);
    await page.selectOption('#baleen-status', 'all');
    await page.fill('#baleen-search', 'parse error');
    const visible = page.locator('#baleen-features .baleen-feature:visible .baleen-file');
    expect(await visible.allTextContents()).toEqual(['features/broken.feature']);
    await page.fill('#baleen-search', 'no such text anywhere');
    expect(await page.locator('#baleen-no-match').isVisible()).toBe(true);
    await page.fill('#baleen-search', '');
    expect(await page.locator('#baleen-features .baleen-feature:visible').count()).toBe(4);
  });

  it('draws one timeline bar per container, none for the feature that never had one', async () => {
    const ran = results.results
      .filter((result) => result.containerStartedAt !== undefined)
      .map((result) => result.file)
      .sort();
    expect(ran).toEqual(['features/adds.feature', 'features/refund.feature', 'features/subtracts.feature']);
    const bars = view.page.locator('#baleen-overview svg.baleen-timeline rect.bar');
    const drawn = await bars.evaluateAll((rects) => rects.map((rect) => rect.getAttribute('data-file')));
    expect(drawn.sort()).toEqual(ran);
    for (const bar of await bars.all()) expect(Number(await bar.getAttribute('width'))).toBeGreaterThan(0);
  });

  it('shows hostile text as written, runs none of it, and asks the network for nothing', async () => {
    expect(await view.page.evaluate(() => window.__ran)).toBeUndefined();
    expect(await view.page.locator('#baleen-overview').innerText()).toContain(attack('scenario'));
    expect(view.externalRequests).toEqual([]);
    expect(view.pageErrors).toEqual([]);
  });
});
