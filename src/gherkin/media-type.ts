import { SourceMediaType } from '@cucumber/messages';

/** cucumber-js reads `*.feature.md` as Markdown with Gherkin in it, anything else as classic Gherkin. */
export function mediaTypeOf(file: string): SourceMediaType {
  return file.endsWith('.md')
    ? SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_MARKDOWN
    : SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN;
}
