import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaleenError, messageOf } from '../../errors/baleen-error.js';
import { writeFileAtomic } from '../../util/write-file-atomic.js';
import { inlineCdnAssets } from './inline-assets.js';
import { escapeForTemplate, escapeHtml } from './escape-for-template.js';
import { plainCopy } from './plain-copy.js';

export interface HtmlReportOptions {
  /** Merged Cucumber JSON (an array of features) on disk. */
  cucumberJsonFile: string;
  /** Where the report goes, e.g. `<reportDir>/index.html`. Nothing else is written beside it. */
  outputFile: string;
  /** The report's name, shown in the page and its tab. */
  title: string;
  /** Shown in the report's metadata panel; the panel is left out when this is empty. */
  metadata: Record<string, string>;
  /** The run's wall time, said where the template says "Execution Time" (its steps' sum, a different clock). */
  runTime?: string;
  /** baleen's own HTML (already escaped), put first in the page, above the template's report. */
  overview?: string;
  /**
   * The features by baleen's verdict, for the template's Features pie: the template would count a feature by
   * its scenarios alone (one of undefined and passed scenarios as passed, one without a report as skipped).
   */
  featurePie?: FeaturePie;
}

/** How many features the Features pie shows as failed (errors included), passed and not run. */
export interface FeaturePie {
  failed: number;
  passed: number;
  skipped: number;
}

/**
 * The part of cucumber-html-reporter 7.2 used here. Its own index.d.ts makes options required that are
 * not, and types generate() as void although it returns false (without a callback) on a bad file.
 */
interface CucumberHtmlReporter {
  generate(options: GenerateOptions, callback: (error?: string) => void): boolean | undefined;
}
interface GenerateOptions {
  theme: 'bootstrap';
  jsonFile: string;
  output: string;
  name: string;
  launchReport: false;
  metadata?: Record<string, string>;
}

/** Writes a self-contained HTML report (no network needed to view it) from a merged Cucumber JSON file. */
export async function writeHtmlReport(options: HtmlReportOptions): Promise<void> {
  const features = await readCucumberJson(options.cucumberJsonFile);
  // The reporter writes next to its output (with some options, screenshots and a .json copy that a later
  // jsonDir run would merge again): let it write into a private directory and copy out only the page.
  const scratch = await mkdtemp(join(tmpdir(), 'baleen-html-report-'));
  try {
    const generated = join(scratch, 'index.html');
    const render = async (copy: unknown[]) => {
      const displayed = join(scratch, 'display.json');
      await writeFile(displayed, JSON.stringify(escapeForTemplate(copy)));
      generate({
        theme: 'bootstrap',
        jsonFile: displayed,
        output: generated,
        // The template interpolates the name and metadata unescaped (lodash `<%= %>`).
        name: escapeHtml(options.title),
        metadata: Object.keys(options.metadata).length > 0 ? escapeEntries(options.metadata) : undefined,
        // true would open the report in the user's browser.
        launchReport: false,
      });
    };
    // A field of a shape the template cannot take costs the decorations, not the page.
    await render(features).catch(() => render(plainCopy(features)));
    const titled = (await readFile(generated, 'utf8')).replace(
      '<title>Cucumber Feature Report</title>',
      () => `<title>${escapeHtml(options.title)}</title>`,
    );
    const html = withRunTime(
      undoDoubleEscaping(options.featurePie ? withFeaturePie(titled, options.featurePie) : titled),
      options.runTime,
    );
    // After the CDN tags are inlined: the overview has none, and text it quotes must not be taken for one.
    const page = await inlineCdnAssets(html);
    await writeFileAtomic(
      options.outputFile,
      options.overview === undefined ? page : withOverview(page, options.overview),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The features; fails with a message that names the file and the problem, before the reporter could log one. */
async function readCucumberJson(file: string): Promise<unknown[]> {
  const problem = (what: string, cause?: unknown) =>
    new BaleenError('INTERNAL', `Cannot write the HTML report: Cucumber JSON file ${file} ${what}`, { cause });
  const info = await stat(file).catch((error: unknown) => {
    throw problem(
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${messageOf(error)})`,
      error,
    );
  });
  if (!info.isFile()) throw problem('is not a file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw problem(`is not valid JSON (${messageOf(error)})`, error);
  }
  if (!Array.isArray(parsed))
    throw problem(
      `is not a Cucumber JSON report: expected an array of features, found ${parsed === null ? 'null' : typeof parsed}`,
    );
  return parsed;
}

function generate(options: GenerateOptions): void {
  // Loaded on first use: it pulls in lodash, fs-extra and more, which runs that never write HTML don't need.
  const reporter = createRequire(import.meta.url)('cucumber-html-reporter') as CucumberHtmlReporter;
  let failure: string | undefined;
  let succeeded = false;
  // It announces success (and failure) with console.log, and warns with console.warn when the current folder
  // has no package.json (its name goes nowhere we show): both would land in the middle of baleen's own output.
  // generate() is synchronous, so muting exactly that call is safe.
  const { log, warn } = console;
  console.log = () => {};
  console.warn = () => {};
  try {
    reporter.generate(options, (error) => {
      if (error === undefined) succeeded = true;
      else failure = error;
    });
  } catch (error) {
    throw new BaleenError(
      'INTERNAL',
      `cucumber-html-reporter could not render ${options.jsonFile}: ${messageOf(error)}`,
      { cause: error },
    );
  } finally {
    console.log = log;
    console.warn = warn;
  }
  if (!succeeded) {
    throw new BaleenError(
      'INTERNAL',
      `cucumber-html-reporter could not render ${options.jsonFile}: ${failure ?? 'it gave no reason'}`,
    );
  }
}

/** The template's Features pie with baleen's counts of its verdicts in place of the template's own. */
function withFeaturePie(html: string, pie: FeaturePie): string {
  const chart = /drawChart\(\{\s*"title": "Features",[^}]*\}\)/;
  if (!chart.test(html))
    throw new BaleenError(
      'INTERNAL',
      'cucumber-html-reporter wrote a page without its Features pie: its template changed',
    );
  const data = { title: 'Features', ...pie, notdefined: 0, pending: 0, ambiguous: 0 };
  return html.replace(chart, () => `drawChart(${JSON.stringify(data, null, 2)})`);
}

/** The overview first in the page's body. */
function withOverview(html: string, overview: string): string {
  const body = /<body[^>]*>/.exec(html);
  if (!body)
    throw new BaleenError(
      'INTERNAL',
      'cucumber-html-reporter wrote a page without a <body> tag: the run overview has no place in it',
    );
  const at = body.index + body[0].length;
  return html.slice(0, at) + overview + html.slice(at);
}

function escapeEntries(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [escapeHtml(key), escapeHtml(value)]));
}

/**
 * Two places where the template escapes text that escapeForTemplate escaped already (a scenario's name in the
 * hover text, an undefined step's name): `&#38;` came out as `&amp;#38;`, shown as "&#38;". One escaping is
 * put back; what is left is still escaped once.
 */
function undoDoubleEscaping(html: string): string {
  const once = (text: string) => text.replace(/&amp;#(38|60|62);/g, '&#$1;');
  return html.replace(/data-text="[^"]*"/g, once).replace(/<span class="stepname">[^<]*<\/span>/g, once);
}

/**
 * The template's "Execution Time" is the sum of every step's duration, which is neither the run's wall time
 * nor any one feature's: it says the run's instead, and names the sum for what it is.
 */
function withRunTime(html: string, runTime: string | undefined): string {
  if (runTime === undefined) return html;
  return html.replace(
    /Execution Time: ([^<]*?)\s*</,
    (_, steps: string) =>
      // No step timed (only features without a report): the template prints nothing for its sum.
      `Execution Time: ${escapeHtml(runTime)} (the run, from its first start to its last end${steps.trim() ? `; steps ${steps.trim()} in all` : ''})<`,
  );
}
