import { readFileSync } from 'node:fs';

const texts = new Map<string, string>();

/** What every in-container program is sent with: functions they share and cannot import there. */
const SHARED = ['./find-cucumber.mjs', './cucumber-argv.mjs'];

/**
 * The text of one of baleen's programs that run inside the suite's container (`node --input-type=module -e`),
 * read once from beside its module (in src/ as in dist/), with the shared functions appended: find-cucumber.mjs
 * finds the suite's own @cucumber/cucumber, cucumber-argv.mjs reads the arguments the suite's command gave it.
 */
export function inContainerProgram(url: URL): string {
  const known = texts.get(url.href);
  if (known !== undefined) return known;
  const text = [url, ...SHARED.map((file) => new URL(file, import.meta.url))]
    .map((file) => readFileSync(file, 'utf8'))
    .join('\n');
  texts.set(url.href, text);
  return text;
}
