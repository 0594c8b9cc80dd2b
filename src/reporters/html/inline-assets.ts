import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { googleChartsShim } from './google-charts-shim.js';

/**
 * cucumber-html-reporter's bootstrap template loads its libraries from CDNs, so a report opened without
 * network (CI artefacts, air-gapped machines, a browser that blocks third parties) has no styles, charts
 * or collapsing. This replaces each of those tags with the library read from node_modules (Bootstrap as the
 * template's URL says; jQuery 3.7 instead of its 1.12.4, which has known XSS advisories and which Bootstrap 3.4
 * does not need, as it takes jQuery 1.9.1 up to 3.x; moment the latest 2.x, same API) and Google's chart
 * loader with a local shim.
 *
 * Assets are resolved at run time from this module's location, so they come from baleen's own
 * dependencies wherever it is installed, and nothing is copied into the repository.
 */
const require = createRequire(import.meta.url);

interface CdnTag {
  /** What the template has; matched as a whole tag so its integrity/crossorigin attributes go with it. */
  pattern: RegExp;
  replacement: () => Promise<string>;
}

const CDN_TAGS: readonly CdnTag[] = [
  // A data: icon stops the browser from asking for /favicon.ico as well.
  {
    pattern: /<link rel="icon" href="https:\/\/www\.lambdatest\.com\/favicon\.ico">/,
    replacement: async () => '<link rel="icon" href="data:,">',
  },
  {
    pattern:
      /<link rel="stylesheet" href="https:\/\/stackpath\.bootstrapcdn\.com\/bootstrap\/3\.4\.1\/css\/bootstrap\.min\.css">/,
    replacement: async () => inlineStyle(await bootstrapCss()),
  },
  {
    pattern: /<script src="https:\/\/code\.jquery\.com\/jquery-1\.12\.4\.min\.js"[^>]*><\/script>/,
    replacement: async () => inlineScript(await asset('jquery/dist/jquery.min.js')),
  },
  {
    pattern:
      /<script src="https:\/\/stackpath\.bootstrapcdn\.com\/bootstrap\/3\.4\.1\/js\/bootstrap\.min\.js"[^>]*><\/script>/,
    replacement: async () => inlineScript(await asset('bootstrap/dist/js/bootstrap.min.js')),
  },
  {
    pattern:
      /<script src="https:\/\/cdnjs\.cloudflare\.com\/ajax\/libs\/moment\.js\/[\d.]+\/moment\.min\.js"><\/script>/,
    replacement: async () => inlineScript(await asset('moment/min/moment.min.js')),
  },
  {
    pattern: /<script type="text\/javascript" src="https:\/\/www\.google\.com\/jsapi"><\/script>/,
    replacement: async () => inlineScript(googleChartsShim),
  },
];

/** Returns the report with every CDN asset inlined; throws if the template no longer has one of them. */
export async function inlineCdnAssets(html: string): Promise<string> {
  let result = html;
  for (const tag of CDN_TAGS) {
    const match = tag.pattern.exec(result);
    if (!match) {
      // A newer cucumber-html-reporter changed its template: fail loudly rather than ship a report that
      // silently needs the network again.
      throw new Error(
        `cucumber-html-reporter's template no longer contains ${tag.pattern.source}: update inline-assets.ts`,
      );
    }
    const replacement = await tag.replacement();
    // Slicing, not String.replace: a replacement string's `$&`, `$'`… would be expanded (jQuery has some).
    result = result.slice(0, match.index) + replacement + result.slice(match.index + match[0].length);
  }
  return result;
}

async function asset(specifier: string): Promise<string> {
  return withoutSourceMap(await readFile(require.resolve(specifier), 'utf8'));
}

// Bootstrap's @font-face lists five formats by relative URL (../fonts/…), which do not exist next to the
// report. Every browser that runs this page's JavaScript reads woff2, so that one is embedded and the rest
// dropped.
async function bootstrapCss(): Promise<string> {
  const css = await asset('bootstrap/dist/css/bootstrap.min.css');
  const woff2 = await readFile(require.resolve('bootstrap/dist/fonts/glyphicons-halflings-regular.woff2'));
  const fontFace = /@font-face\{font-family:"Glyphicons Halflings";[^}]*\}/;
  if (!fontFace.test(css)) throw new Error('bootstrap.min.css has no Glyphicons @font-face: update inline-assets.ts');
  const inlined = css.replace(
    fontFace,
    () =>
      `@font-face{font-family:"Glyphicons Halflings";src:url(data:font/woff2;base64,${woff2.toString('base64')}) format("woff2")}`,
  );
  const external = /url\((?!data:)[^)]*\)/.exec(inlined);
  if (external) throw new Error(`bootstrap.min.css still refers to ${external[0]}: update inline-assets.ts`);
  return inlined;
}

// A source map comment makes developer tools fetch a .map file that is not beside the report.
function withoutSourceMap(code: string): string {
  return code.replace(/\n?\/[*/]# sourceMappingURL=[^\n]*\s*$/, '');
}

// Inside <script>, the HTML parser ends the element at the first `</script` whatever the JavaScript
// around it, and `<!--` switches it into a mode where a later `<script` nests. `<\/script` and `\x3C!--`
// mean the same inside JavaScript strings, regular expressions and comments, the only places they occur.
function inlineScript(code: string): string {
  return `<script>${code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '\\x3C!--')}</script>`;
}

// Likewise `</style` would end an inline stylesheet; `\/` is the same character in CSS.
function inlineStyle(css: string): string {
  return `<style>${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`;
}
