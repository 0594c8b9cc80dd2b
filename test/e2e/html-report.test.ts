import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineCdnAssets } from '../../src/reporters/html/inline-assets.js';
import { writeHtmlReport } from '../../src/reporters/html/write-html-report.js';
import { launchChromium } from '../support/chromium.js';
import { openOffline, type OfflineView } from '../support/offline-browser.js';

// The callbacks given to page.evaluate run in the browser. This project's tsconfig has no DOM lib (src runs on
// Node, and a lib reference would leak into every file), so the few browser globals they use are declared here.
interface BrowserElement {
  readonly classList: { contains(name: string): boolean; add(name: string): void };
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { height: number };
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
}
declare const document: {
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
  body: { innerText: string };
  fonts: Iterable<{ family: string; status: string }> & { ready: Promise<unknown> };
};
/** What the hostile report's strings would have set, had the browser run them. */
declare const window: { __ran?: string[] };
declare function getComputedStyle(element: BrowserElement): {
  backgroundColor: string;
  minHeight: string;
  display: string;
};

const FIXTURE = fileURLToPath(new URL('../fixtures/cucumber-json/merged-two-features.json', import.meta.url));
const SCREENSHOT = '/tmp/baleen-html-report.png';
const TITLE = 'baleen: shop-suite <v2> & co';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'baleen-html-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * The report of a hostile Cucumber JSON, opened with every panel open (anything hidden in one would have been
 * parsed and run), after checking that none of its strings ran.
 */
async function openHostileReport(browser: Browser, name: string, features: unknown[]): Promise<OfflineView> {
  const json = join(scratch, `${name}.json`);
  await writeFile(json, JSON.stringify(features));
  const outputFile = join(scratch, `${name}-report`, 'index.html');
  await writeHtmlReport({ cucumberJsonFile: json, outputFile, title: name, metadata: {} });
  const view = await openOffline(browser, outputFile);
  await view.page.evaluate(() => {
    for (const panel of document.querySelectorAll('.collapse')) panel.classList.add('in');
  });
  expect(await view.page.evaluate(() => window.__ran)).toBeUndefined();
  expect(await view.page.locator('img[src="x"]').count()).toBe(0);
  return view;
}

describe('writeHtmlReport input checks', () => {
  it('rejects a missing file, naming it', async () => {
    const missing = join(scratch, 'nope', 'cucumber.json');
    await expect(
      writeHtmlReport({
        cucumberJsonFile: missing,
        outputFile: join(scratch, 'missing', 'index.html'),
        title: 't',
        metadata: {},
      }),
    ).rejects.toThrow(`Cannot write the HTML report: Cucumber JSON file ${missing} does not exist`);
    expect(existsSync(join(scratch, 'missing'))).toBe(false);
  });

  it('rejects a file that is not JSON', async () => {
    const bad = join(scratch, 'bad.json');
    await writeFile(bad, '[{"name": "Checkout", ');
    await expect(
      writeHtmlReport({
        cucumberJsonFile: bad,
        outputFile: join(scratch, 'bad', 'index.html'),
        title: 't',
        metadata: {},
      }),
    ).rejects.toThrow(new RegExp(`Cucumber JSON file ${bad} is not valid JSON \\(.+\\)`));
    expect(existsSync(join(scratch, 'bad'))).toBe(false);
  });

  it('rejects JSON that is not an array of features', async () => {
    const object = join(scratch, 'object.json');
    await writeFile(object, '{"features": []}');
    await expect(
      writeHtmlReport({
        cucumberJsonFile: object,
        outputFile: join(scratch, 'object', 'index.html'),
        title: 't',
        metadata: {},
      }),
    ).rejects.toThrow('is not a Cucumber JSON report: expected an array of features, found object');
  });

  it('refuses a template whose CDN tags it does not recognise, rather than leave them', async () => {
    await expect(inlineCdnAssets('<html><head></head><body></body></html>')).rejects.toThrow(
      "cucumber-html-reporter's template no longer contains",
    );
  });
});

describe('the HTML report, opened offline in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  // The tests of this block share one page and run in order: the later ones look inside panels that
  // "collapses and expands" opened.
  describe('of a run with passed, failed, skipped and undefined steps', () => {
    let reportDir: string;
    let view: OfflineView;
    beforeAll(async () => {
      reportDir = join(scratch, 'report');
      await writeHtmlReport({
        cucumberJsonFile: FIXTURE,
        outputFile: join(reportDir, 'index.html'),
        title: TITLE,
        metadata: { 'Run status': 'failed', Image: 'shop-suite:latest', Note: '<b>not bold</b>' },
      });
      view = await openOffline(browser, join(reportDir, 'index.html'));
    }, 60_000);

    it('writes only index.html', async () => {
      expect(await readdir(reportDir)).toEqual(['index.html']);
    });

    it('requests nothing but the report file', () => {
      expect(view.externalRequests).toEqual([]);
      expect(view.fileRequests).toEqual([view.url]);
    });

    it('applies Bootstrap and its icon font', async () => {
      const styles = await view.page.evaluate(() => {
        const navbar = getComputedStyle(document.querySelector('.navbar-default')!);
        const danger = getComputedStyle(document.querySelector('.label-danger')!);
        return {
          navbarBackground: navbar.backgroundColor,
          navbarMinHeight: navbar.minHeight,
          dangerBackground: danger.backgroundColor,
        };
      });
      expect(styles).toEqual({
        navbarBackground: 'rgb(248, 248, 248)',
        navbarMinHeight: '50px',
        dangerBackground: 'rgb(217, 83, 79)',
      });
      const glyphicons = await view.page.evaluate(() =>
        [...document.fonts].filter((font) => font.family.includes('Glyphicons')).map((font) => font.status),
      );
      expect(glyphicons).toEqual(['loaded']);
    });

    it('draws both pie charts, one slice per non-zero status, with the template colours and legend', async () => {
      const features = await chartIn(view.page, '#piechart_features');
      expect(features.title).toBe('2 Features');
      expect(features.slices).toEqual([
        { label: 'Passed', value: 1, fill: '#5cb85c' },
        { label: 'Failed', value: 1, fill: '#d9534f' },
      ]);
      expect(features.legend).toEqual(['Passed', 'Failed']);
      expect(features.height).toBeGreaterThan(200);

      const scenarios = await chartIn(view.page, '#piechart_scenarios');
      expect(scenarios.title).toBe('5 Scenarios');
      expect(scenarios.slices).toEqual([
        { label: 'Passed', value: 3, fill: '#5cb85c' },
        { label: 'Failed', value: 1, fill: '#d9534f' },
        { label: 'Undefined', value: 1, fill: '#5bc0de' },
      ]);
      expect(scenarios.legend).toEqual(['Passed', 'Failed', 'Undefined']);
    });

    it('collapses and expands features and scenarios', async () => {
      const { page } = view;
      const feature = page.locator('a[data-toggle="collapse"]', { hasText: 'Checkout' });
      const featureBody = page.locator(await hrefOf(feature));
      const scenario = page.locator('a[data-toggle="collapse"]', { hasText: 'Pay with an expired card' });
      const scenarioBody = page.locator(await hrefOf(scenario));
      const step = scenarioBody.getByText('I pay with an expired card');

      expect(await stateOf(featureBody)).toBe('closed');
      expect(await step.isVisible()).toBe(false);
      await feature.click();
      await expect.poll(() => stateOf(featureBody)).toBe('open');
      expect(await stateOf(scenarioBody)).toBe('closed');
      expect(await step.isVisible()).toBe(false);
      await scenario.click();
      await expect.poll(() => stateOf(scenarioBody)).toBe('open');
      expect(await step.isVisible()).toBe(true);
      await scenario.click();
      await expect.poll(() => stateOf(scenarioBody)).toBe('closed');
      expect(await step.isVisible()).toBe(false);
      await scenario.click();
      await expect.poll(() => stateOf(scenarioBody)).toBe('open');
      expect(await step.isVisible()).toBe(true);
    });

    it('shows the failed step, its error message and the skipped and undefined steps', async () => {
      const { page } = view;
      const error = page.locator('pre.info', { hasText: "expected payment status 'declined' but got 'accepted'" });
      expect(await error.count()).toBe(1);
      await page.locator('a.toggle', { hasText: 'Show Error' }).first().click();
      await expect.poll(() => stateOf(error.locator('xpath=..'))).toBe('open');
      expect(await error.isVisible()).toBe(true);
      expect(await page.locator('span.label-warning[title="Skipped"]').count()).toBe(2);
      expect(await page.locator('span.label-info[title="Undefined"]').count()).toBe(1);
    });

    it('shows the title and metadata as text, not markup', async () => {
      const { page } = view;
      expect(await page.title()).toBe(TITLE);
      expect((await page.locator('.project-name').textContent())?.trim()).toBe(TITLE);
      const metadata = page.locator('#logOutput');
      expect((await metadata.textContent())?.replace(/\s+/g, ' ')).toContain('Note: <b>not bold</b>');
      expect(await metadata.locator('b').count()).toBe(0);
    });

    it('raises no page or console errors', async () => {
      // Taken last, with a failed scenario and its error open, for a person to look at.
      await view.page.screenshot({ path: SCREENSHOT, fullPage: true });
      expect(view.pageErrors).toEqual([]);
      expect(view.consoleErrors).toEqual([]);
    });
  });

  describe('of features whose text is HTML (names, tags, tables, attachments, an undefined step)', () => {
    it('shows that text as written and runs none of it', async () => {
      // Each hostile string would set a flag if the browser ran it; `&` and quotes must still read as typed.
      const attack = (where: string) =>
        `<img src=x onerror="window.__ran=(window.__ran||[]).concat('${where}')"> & "${where}"`;
      const hostile = [
        {
          keyword: 'Feature',
          name: attack('feature'),
          description: attack('description'),
          uri: 'features/evil.feature',
          tags: [{ name: attack('feature-tag') }],
          elements: [
            {
              keyword: 'Scenario',
              type: 'scenario',
              name: attack('scenario'),
              tags: [{ name: attack('scenario-tag') }],
              before: [
                {
                  keyword: 'Before',
                  result: { status: 'passed', duration: 1 },
                  embeddings: [{ mime_type: 'text/plain', data: Buffer.from(attack('hook')).toString('base64') }],
                },
              ],
              steps: [
                {
                  keyword: 'And ',
                  name: 'attachments of every kind',
                  result: { status: 'passed', duration: 1 },
                  embeddings: [
                    { media: { type: 'text/plain' }, data: Buffer.from(attack('media-type')).toString('base64') },
                    { mime_type: 'image/png', data: `x" onerror="window.__ran=(window.__ran||[]).concat('image')` },
                    {
                      mime_type: `application/x"><img src=x onerror="window.__ran=(window.__ran||[]).concat('mime')">`,
                      data: 'AAAA',
                    },
                  ],
                },
                {
                  keyword: 'Given ',
                  name: attack('step'),
                  result: { status: 'passed', duration: 1 },
                  rows: [{ cells: [attack('header')] }, { cells: [attack('cell')] }],
                  embeddings: [{ mime_type: 'text/plain', data: Buffer.from(attack('attachment')).toString('base64') }],
                },
                { keyword: 'Then ', name: attack('undefined-step'), result: { status: 'undefined' } },
              ],
            },
          ],
        },
      ];
      const view = await openHostileReport(browser, 'hostile', hostile);
      const text = await view.page.evaluate(() => document.body.innerText);
      for (const where of [
        'feature',
        'description',
        'scenario',
        'step',
        'header',
        'cell',
        'attachment',
        'hook',
        'media-type',
      ]) {
        expect(text, where).toContain(attack(where));
      }
      // Escaped once, not twice, where the template escapes too: the scenario's hover text.
      const hover = await view.page.evaluate(() => document.querySelector('[data-text]')?.getAttribute('data-text'));
      expect(hover).toBe(attack('scenario'));
      // An undefined step's name is escaped for the snippet the template suggests, which it prints raw; its
      // own line escapes it again, so there `<` and `&` show as entities: harmless, and rare in step names.
      expect(text).toContain('"undefined-step"');
      expect(view.pageErrors).toEqual([]);
    });
  });

  describe('of features whose text is HTML wrapped in arrays and objects', () => {
    it('runs none of it: every value the template prints is escaped, whatever its type', async () => {
      // lodash prints an array with its toString: `["<img …>"]` came out as `<img …>`, raw.
      const attack = (where: string) => [`<img src=x onerror="window.__ran=(window.__ran||[]).concat('${where}')">`];
      const wrapped = (where: string) => ({ html: attack(where) });
      const hostile = [
        {
          keyword: attack('feature-keyword'),
          name: attack('feature'),
          uri: 'features/evil.feature',
          tags: [{ name: attack('feature-tag') }],
          elements: [
            {
              keyword: attack('scenario-keyword'),
              type: 'scenario',
              name: wrapped('scenario'),
              tags: [{ name: wrapped('scenario-tag') }],
              steps: [
                {
                  keyword: attack('step-keyword'),
                  name: 'a table',
                  result: { status: 'passed', duration: 1 },
                  output: [attack('output'), wrapped('output-object')],
                  rows: [{ cells: [attack('header'), wrapped('header-object')] }, { cells: [attack('cell')] }],
                  arguments: [{ rows: [{ cells: [attack('argument-header')] }, { cells: ['x'] }] }],
                  embeddings: [
                    {
                      mime_type: 'application/zip',
                      data: [`x" onerror="window.__ran=(window.__ran||[]).concat('link')`],
                    },
                  ],
                },
                {
                  keyword: 'Then ',
                  name: attack('failed-step'),
                  result: { status: 'failed', duration: 1, error_message: attack('error-message')[0] },
                },
                { keyword: 'Then ', name: attack('undefined-step')[0], result: { status: 'undefined' } },
              ],
            },
          ],
        },
      ];
      const view = await openHostileReport(browser, 'hostile-arrays', hostile);
      // Shown as the JSON it was, as text.
      const text = await view.page.evaluate(() => document.body.innerText);
      expect(text).toContain(`["<img src=x onerror=\\"window.__ran=(window.__ran||[]).concat('feature')\\">"]`);
      expect(view.pageErrors).toEqual([]);
    });

    it('writes index.html from a report of malformed fields, counts intact', async () => {
      const malformed = [
        null,
        'not a feature',
        {
          name: 'Lists that are not lists',
          description: ['<b>a description in an array</b>'],
          tags: 'x',
          elements: [
            null,
            { name: 'no steps at all', type: 'scenario', description: 42 },
            {
              name: 'odd steps',
              type: 'scenario',
              steps: [
                null,
                { keyword: 'Given ', name: 'ok', result: { status: 'passed', duration: 1 } },
                { name: ['an undefined step named by an array'], result: { status: 'undefined' } },
                {
                  name: 'broken',
                  result: { status: 'failed', error_message: { nested: ['x'] } },
                  rows: 'x',
                  arguments: [{ content: 5 }, { content: ['<b>a doc string in an array</b>'] }],
                },
              ],
            },
          ],
        },
      ];
      const json = join(scratch, 'malformed.json');
      await writeFile(json, JSON.stringify(malformed));
      const outputFile = join(scratch, 'malformed-report', 'index.html');
      await writeHtmlReport({ cucumberJsonFile: json, outputFile, title: 'malformed', metadata: {} });
      const view = await openOffline(browser, outputFile);
      const scenarios = await chartIn(view.page, '#piechart_scenarios');
      expect(scenarios.slices.map((slice) => [slice.label, slice.value])).toEqual([['Failed', 1]]);
      expect(view.pageErrors).toEqual([]);
    });
  });

  describe('of a run without any Cucumber results (every feature crashed)', () => {
    it('renders empty charts and no metadata panel, offline and without errors', async () => {
      const empty = join(scratch, 'empty.json');
      await writeFile(empty, '[]');
      const outputFile = join(scratch, 'empty-report', 'index.html');
      await writeHtmlReport({ cucumberJsonFile: empty, outputFile, title: 'nothing ran', metadata: {} });
      const view = await openOffline(browser, outputFile);

      expect(view.externalRequests).toEqual([]);
      expect(view.fileRequests).toEqual([view.url]);
      for (const id of ['#piechart_features', '#piechart_scenarios']) {
        const chart = await chartIn(view.page, id);
        expect(chart.slices).toEqual([]);
        expect(chart.noData).toBe(true);
      }
      expect(await view.page.locator('#logOutput').count()).toBe(0);
      expect(view.pageErrors).toEqual([]);
      expect(view.consoleErrors).toEqual([]);
    });
  });
});

/** What the chart shim drew into one chart container. */
async function chartIn(page: Page, selector: string) {
  return page.evaluate((selector) => {
    const container = document.querySelector(selector)!;
    return {
      title: container.querySelector('svg > text')?.textContent,
      slices: [...container.querySelectorAll('svg .pie-slice')].map((slice) => ({
        label: slice.getAttribute('data-label'),
        value: Number(slice.getAttribute('data-value')),
        fill: slice.querySelector('path')?.getAttribute('fill'),
      })),
      legend: [...container.querySelectorAll('svg .pie-legend-item')].map((item) => item.textContent),
      noData: container.querySelector('svg .pie-no-data') !== null,
      height: container.getBoundingClientRect().height,
    };
  }, selector);
}

/** A Bootstrap collapse panel at rest (its transition ignores clicks), or 'moving'. */
async function stateOf(panel: Locator): Promise<'open' | 'closed' | 'moving'> {
  return panel.evaluate((element) => {
    if (element.classList.contains('collapsing')) return 'moving';
    const shown =
      element.classList.contains('in') &&
      getComputedStyle(element).display !== 'none' &&
      element.getBoundingClientRect().height > 0;
    const hidden = !element.classList.contains('in') && getComputedStyle(element).display === 'none';
    return shown ? 'open' : hidden ? 'closed' : 'moving';
  });
}

async function hrefOf(link: Locator): Promise<string> {
  const href = await link.getAttribute('href');
  if (!href?.startsWith('#')) throw new Error(`expected an in-page collapse link, got ${href}`);
  return href;
}
