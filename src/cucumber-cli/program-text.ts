import { readFileSync } from 'node:fs';

const texts = new Map<string, string>();

/**
 * The text of one of baleen's programs that run inside the suite's container (`node --input-type=module -e`),
 * read once from beside its module (in src/ as in dist/), with find-cucumber.mjs appended: the function that
 * finds the suite's own @cucumber/cucumber, which the programs share and cannot import there.
 */
export function inContainerProgram(url: URL): string {
  const known = texts.get(url.href);
  if (known !== undefined) return known;
  const text = `${readFileSync(url, 'utf8')}\n${readFileSync(new URL('./find-cucumber.mjs', import.meta.url), 'utf8')}`;
  texts.set(url.href, text);
  return text;
}
