import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';

export interface OfflineView {
  page: Page;
  url: string;
  /** Every request to anything but file: and data: URLs, each aborted before it left the browser. */
  externalRequests: string[];
  fileRequests: string[];
  pageErrors: string[];
  consoleErrors: string[];
}

declare const document: { fonts: { ready: Promise<unknown> } };

/** A report file opened in a fresh browser context that lets nothing reach the network, recording what it tried. */
export async function openOffline(browser: Browser, file: string): Promise<OfflineView> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const view: OfflineView = {
    page,
    url: pathToFileURL(file).href,
    externalRequests: [],
    fileRequests: [],
    pageErrors: [],
    consoleErrors: [],
  };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('data:')) return route.continue();
    if (url.startsWith('file:')) {
      view.fileRequests.push(url);
      return route.continue();
    }
    view.externalRequests.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => view.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') view.consoleErrors.push(message.text());
  });
  await page.goto(view.url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  return view;
}
