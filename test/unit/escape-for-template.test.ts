import { describe, expect, it } from 'vitest';
import { escapeForTemplate } from '../../src/reporters/html/escape-for-template.js';

const tag = '<b>x</b> & "q"';
const escaped = '&#60;b&#62;x&#60;/b&#62; &#38; "q"';

describe('escapeForTemplate', () => {
  it('escapes what the template prints raw, and leaves what it escapes itself', () => {
    const [feature] = escapeForTemplate([
      {
        name: tag,
        description: tag,
        keyword: 'Feature',
        tags: [{ name: tag }],
        uri: 'a.feature',
        elements: [
          {
            name: tag,
            keyword: 'Scenario',
            tags: [{ name: tag }],
            steps: [
              {
                keyword: 'Given ',
                name: tag,
                doc_string: { value: tag },
                result: { status: 'passed' },
                rows: [{ cells: [tag] }, { cells: [tag] }],
                arguments: [{ rows: [{ cells: [tag] }, { cells: [tag] }] }],
              },
              { keyword: 'Then ', name: tag, result: { status: 'undefined' } },
            ],
          },
        ],
      },
    ]) as [Record<string, any>];
    expect(feature).toMatchObject({ name: escaped, description: escaped, tags: [{ name: escaped }], uri: 'a.feature' });
    const [scenario] = feature.elements;
    expect(scenario).toMatchObject({ name: escaped, tags: [{ name: escaped }] });
    const [given, then] = scenario.steps;
    // The template escapes a step's name, its doc string and an argument table's body itself.
    expect(given).toMatchObject({
      name: tag,
      doc_string: { value: tag },
      rows: [{ cells: [escaped] }, { cells: [escaped] }],
      arguments: [{ rows: [{ cells: [escaped] }, { cells: [tag] }] }],
    });
    expect(then.name).toBe(escaped);
  });

  it('escapes text attachments inside their base64, and leaves HTML attachments and the input alone', () => {
    const input = [
      {
        name: 'F',
        elements: [
          {
            steps: [
              {
                embeddings: [
                  { mime_type: 'text/plain', data: Buffer.from(tag).toString('base64') },
                  { mime_type: 'text/html', data: Buffer.from(tag).toString('base64') },
                ],
              },
            ],
          },
        ],
      },
    ];
    const snapshot = JSON.stringify(input);
    const [feature] = escapeForTemplate(input) as [Record<string, any>];
    const [text, html] = feature.elements[0].steps[0].embeddings;
    expect(Buffer.from(text.data, 'base64').toString()).toBe(escaped);
    expect(Buffer.from(html.data, 'base64').toString()).toBe(tag);
    expect(JSON.stringify(input)).toBe(snapshot);
  });
});
