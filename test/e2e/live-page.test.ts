import { request as httpRequest } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useStoringServer } from '../support/cli.js';
import { FIXTURE_SUITE, TEST_IMAGE } from '../support/docker.js';
import { useScratch } from '../support/scratch.js';

// The callbacks given to page.evaluate run in the browser; this project's tsconfig has no DOM lib, so the
// few browser globals they use are declared here (as in html-report.test.ts).
interface BrowserElement {
  readonly textContent: string | null;
  readonly tagName: string;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
}
declare const document: {
  cookie: string;
  querySelector(selector: string): BrowserElement | null;
  querySelectorAll(selector: string): Iterable<BrowserElement>;
};
declare const window: { __seen?: Record<string, string[]>; __featureWhileScenarioRuns?: string[]; origin: string };
declare class MutationObserver {
  constructor(callback: (records: { addedNodes: Iterable<BrowserElement> }[]) => void);
  observe(target: BrowserElement, options: { childList: boolean; subtree: boolean }): void;
}

const scratch = useScratch('baleen-live-page-');
const token = 'live-page-token-0123456789';
const server = useStoringServer(scratch, token);
let base: string;
let browser: Browser;

beforeAll(async () => {
  base = server.url.replace(/^ws:/, 'http:');
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** A fresh browser profile (no cookie) whose every request outside the server is refused: the page must need none. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page; foreign: string[] }> {
  const context = await browser.newContext();
  const foreign: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url().startsWith(base)) return route.continue();
    foreign.push(route.request().url());
    return route.abort();
  });
  return { context, page: await context.newPage(), foreign };
}

async function signIn(page: Page, withToken: string): Promise<number | undefined> {
  await page.goto(base);
  await page.fill('#token', withToken);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  return response?.status();
}

/**
 * Records every row the page draws, so that short-lived states are seen too (window.__seen: each row's states
 * in order), and with --split scenarios the state of a feature's row whenever one of its scenario rows says
 * running (window.__featureWhileScenarioRuns).
 */
async function recordRows(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    const whileRuns: string[] = [];
    window.__seen = seen;
    window.__featureWhileScenarioRuns = whileRuns;
    new MutationObserver((records) => {
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.tagName !== 'TR' || !node.getAttribute('data-file')) continue;
          const states = (seen[node.getAttribute('data-file')!] ??= []);
          const state = node.getAttribute('data-state')!;
          if (states.at(-1) !== state) states.push(state);
        }
      }
      for (const row of document.querySelectorAll('tr[data-scenario-of][data-state=running]')) {
        whileRuns.push(
          document
            .querySelector(`tr[data-file="${row.getAttribute('data-scenario-of')!}"]`)
            ?.getAttribute('data-state') ?? 'no feature row',
        );
      }
    }).observe(document.querySelector('#features')!, { childList: true, subtree: true });
  });
}

describe('the live page', () => {
  it('shows a browser without the token only the login form, and its API gives it nothing', async () => {
    const { context, page } = await freshPage();
    const first = await page.goto(base);
    expect(first?.status()).toBe(401);
    expect(await page.locator('#login').count()).toBe(1);
    expect(await page.locator('#runs').count()).toBe(0);
    const statuses = await page.evaluate(async () => {
      const get = async (path: string) => (await fetch(path)).status;
      return [await get('/api/live'), await get('/api/live/events'), await get('/api/runs'), await get('/metrics')];
    });
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(await signIn(page, 'not-the-token')).toBe(401);
    expect(await page.locator('#problem').textContent()).toBe("That is not the server's token.");
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  it("after signing in, shows each feature's state change while the run runs, its failing step, a timeline, logs and the stored report", async () => {
    const { context, page, foreign } = await freshPage();
    expect(await signIn(page, token)).toBe(200);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'baleen_session', httpOnly: true, sameSite: 'Strict' });
    expect(cookie!.value).not.toContain(token);
    await page.waitForSelector('#connection[data-state=live]');
    await recordRows(page);

    const run = await runCli(
      [
        'cucumber',
        '--server',
        server.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        'features/fail.feature',
        '--concurrency',
        '1',
        '--before-command',
        'sleep 1',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE, env: { BALEEN_TOKEN: token } },
    );
    expect(run.code, run.stderr).toBe(1);
    await page.waitForSelector('#run-status[data-status=failed]');

    const seen = (await page.evaluate(() => window.__seen))!;
    for (const [file, status] of [
      ['features/pass.feature', 'passed'],
      ['features/fail.feature', 'failed'],
    ] as const) {
      const states = seen[file]!;
      expect(states[0], file).toBe('queued');
      expect(states, file).toContain('running');
      expect(states.indexOf('running'), file).toBeLessThan(states.indexOf(status));
      expect(states.at(-1), file).toBe(status);
    }
    // One slot: one lane of the timeline, both containers in it.
    expect(await page.locator('#timeline .lane').count()).toBe(1);
    expect(await page.locator('#timeline .bar').count()).toBe(2);
    expect(await page.locator('tr[data-file="features/fail.feature"] td.failure .step').textContent()).toBe(
      'Then the result is 5',
    );

    const logHref = await page
      .locator('tr[data-file="features/pass.feature"] a', { hasText: 'stdout' })
      .getAttribute('href');
    const log = await page.evaluate(async (href) => (await fetch(href!)).text(), logHref);
    expect(log).toContain('2 scenarios (2 passed)');
    // What a script of the page can do with the session: read the cookie, and fetch the API with it.
    const session = () =>
      page.evaluate(async () => {
        let cookie: string;
        try {
          cookie = document.cookie === '' ? 'empty' : 'readable';
        } catch {
          cookie = 'refused';
        }
        let api: number | 'blocked';
        try {
          api = (await fetch('/api/live')).status;
        } catch {
          api = 'blocked';
        }
        return { origin: window.origin, cookie, api };
      });
    // The control: on the live page, a script has the session (the fetch is let in by the cookie).
    expect(await session()).toMatchObject({ origin: new URL(base).origin, api: 200 });
    const reportHref = await page.locator('#report-link').getAttribute('href');
    const report = await page.goto(new URL(reportHref!, base).href);
    expect(report?.status()).toBe(200);
    expect(await page.locator('body').textContent()).toContain('Failing');
    // The report runs sandboxed: on the same server, its scripts run in an opaque origin of their own, cannot
    // read the cookie, and their fetch of the API is a cross-origin request the server refuses (Origin: null).
    // Without the sandbox each of the three would be the control's.
    expect(report?.headers()['content-security-policy']).toMatch(/^sandbox allow-scripts/);
    expect(await session()).toEqual({ origin: 'null', cookie: 'refused', api: 'blocked' });
    expect(foreign).toEqual([]);
    await context.close();
  });

  it("with --split scenarios, nests each scenario's row under its feature's, which runs while they do", async () => {
    const { context, page } = await freshPage();
    expect(await signIn(page, token)).toBe(200);
    await page.waitForSelector('#connection[data-state=live]');
    await recordRows(page);
    const run = await runCli(
      [
        'cucumber',
        '--server',
        server.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/pass.feature',
        '--split',
        'scenarios',
        '--concurrency',
        '1',
        '--before-command',
        'sleep 1',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE, env: { BALEEN_TOKEN: token } },
    );
    expect(run.code, run.stderr).toBe(0);
    await page.waitForSelector('#run-status[data-status=passed]');

    const seen = (await page.evaluate(() => window.__seen))!;
    const feature = seen['features/pass.feature']!;
    expect(feature[0]).toBe('queued');
    expect(feature.indexOf('running')).toBeGreaterThan(0);
    expect(feature.at(-1)).toBe('passed');
    // Whenever a scenario's row said running, its feature's said so too.
    const whileRuns = (await page.evaluate(() => window.__featureWhileScenarioRuns))!;
    expect(whileRuns.length).toBeGreaterThan(0);
    expect(new Set(whileRuns)).toEqual(new Set(['running']));
    for (const line of [2, 7]) expect(seen[`features/pass.feature:${line}`], `line ${line}`).toContain('running');
    // One row per feature in the run list's count; the scenarios' rows follow their feature's, each with its status and logs.
    expect(await page.locator('#runs li.selected').textContent()).toContain('1/1 features');
    const rows = await page
      .locator('#features tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-file'),
          tr.getAttribute('data-scenario-of'),
          tr.getAttribute('data-state'),
        ]),
      );
    expect(rows).toEqual([
      ['features/pass.feature', null, 'passed'],
      ['features/pass.feature:2', 'features/pass.feature', 'passed'],
      ['features/pass.feature:7', 'features/pass.feature', 'passed'],
    ]);
    expect(await page.locator('tr[data-file="features/pass.feature"] td.state').textContent()).toBe(
      'passed (2/2 scenarios)',
    );
    const logHref = await page
      .locator('tr[data-file="features/pass.feature:7"] a', { hasText: 'stdout' })
      .getAttribute('href');
    expect(logHref).toMatch(/\/logs\/features\/pass\.feature\.line-7\.stdout\.log$/);
    expect(await page.evaluate(async (href) => (await fetch(href!)).text(), logHref)).toContain(
      '1 scenario (1 passed)',
    );
    // One slot: both scenarios' containers on one lane of the timeline.
    expect(await page.locator('#timeline .lane').count()).toBe(1);
    expect(
      await page.locator('#timeline .bar').evaluateAll((bars) => bars.map((bar) => bar.getAttribute('title'))),
    ).toEqual(['features/pass.feature:2', 'features/pass.feature:7']);
    await context.close();
  });

  it("lists failed features first, each with its failing step, the step's error and the scenario's file:line", async () => {
    const { context, page } = await freshPage();
    expect(await signIn(page, token)).toBe(200);
    await page.waitForSelector('#connection[data-state=live]');
    // By name the passing feature comes first: "café…" sorts before "fail…".
    const run = await runCli(
      [
        'cucumber',
        '--server',
        server.url,
        '--image',
        TEST_IMAGE,
        '--files',
        'features/café ünïcode.feature',
        'features/fail.feature',
        '--report-dir',
        scratch.reportDir(),
      ],
      { cwd: FIXTURE_SUITE, env: { BALEEN_TOKEN: token } },
    );
    expect(run.code, run.stderr).toBe(1);
    await page.waitForSelector('#run-status[data-status=failed]');
    const rows = await page
      .locator('#features tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-file'), tr.getAttribute('data-status')]));
    expect(rows).toEqual([
      ['features/fail.feature', 'failed'],
      ['features/café ünïcode.feature', 'passed'],
    ]);
    const failure = page.locator('tr[data-file="features/fail.feature"] td.failure');
    expect(await failure.locator('.step').textContent()).toBe('Then the result is 5');
    expect(await failure.locator('.error').textContent()).toContain('the result is 4, not 5');
    expect(await failure.locator('.where').textContent()).toBe('features/fail.feature:7');
    await context.close();
  });

  it('gives a page on another origin nothing, cookie or not', async () => {
    const { context, page } = await freshPage();
    await signIn(page, token);
    const [cookie] = await context.cookies();
    const status = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(base);
      const req = httpRequest(
        {
          hostname,
          port,
          path: '/api/live',
          headers: { origin: 'http://evil.example', cookie: `${cookie!.name}=${cookie!.value}` },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    await context.close();
  });
});
