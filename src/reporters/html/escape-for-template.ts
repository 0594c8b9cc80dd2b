/**
 * cucumber-html-reporter's bootstrap template puts most of the report's text into the page raw (lodash
 * `<%= %>`): a feature called `<img src=x onerror=…>` would run script in whoever opens the report. This
 * copy of the Cucumber JSON has exactly those fields HTML-escaped. The fields the template escapes itself
 * (a step's name, its doc string, the body of a step argument's table) are left alone, or they would show
 * `&amp;` where `&` was meant. Only `&`, `<` and `>` are escaped: every raw field is element text, where
 * quotes are harmless, and a step's quoted arguments must stay quotes for the snippet the template derives.
 */
export function escapeForTemplate(features: readonly unknown[]): unknown[] {
  // Anything in the list that is not a feature would stop the reporter (it reads `feature.elements`).
  return features.filter(isRecord).map((feature) => {
    const copy = { ...feature };
    escapeNode(copy);
    return copy;
  });
}

type JsonRecord = Record<string, unknown>;

/** A feature, or a scenario (an element): its own text, its tags, and what it holds. */
function escapeNode(copy: JsonRecord): void {
  escapeFields(copy, ['keyword', 'name', 'description']);
  listOf(copy, 'tags', (tag) => escapeFields(tag, ['name']));
  listOf(copy, 'elements', escapeElement);
  // Hooks (`before`, `after`: Cucumber-JVM's and Ruby's layout) are shown as steps too.
  for (const key of ['steps', 'before', 'after']) listOf(copy, key, escapeStep);
}

function escapeElement(copy: JsonRecord): void {
  escapeNode(copy);
  // The reporter walks every scenario's steps.
  if (!Array.isArray(copy.steps)) copy.steps = [];
}

function escapeStep(copy: JsonRecord): void {
  escapeFields(copy, ['keyword']);
  // The name is escaped by the template, except in the code snippet it suggests for an undefined step.
  if (isRecord(copy.result)) copy.result = { ...copy.result };
  const result = isRecord(copy.result) ? copy.result : undefined;
  if (result?.status === 'undefined') escapeFields(copy, ['name']);
  // The summary's table of failures prints the error raw.
  if (result) escapeFields(result, ['error_message']);
  if (Array.isArray(copy.output)) copy.output = copy.output.map(escapeValue);
  else delete copy.output;
  // A data table (`rows`) is raw throughout; an argument's table only in its header row.
  listOf(copy, 'rows', escapeCells);
  listOf(copy, 'arguments', escapeArgument);
  listOf(copy, 'embeddings', escapeAttachment);
}

function escapeCells(copy: JsonRecord): void {
  if (Array.isArray(copy.cells)) copy.cells = copy.cells.map(escapeValue);
  else delete copy.cells;
}

function escapeArgument(copy: JsonRecord): void {
  // A doc string argument's content is shown with `<` and `>` replaced, and `.replace` needs a string.
  if (copy.content !== undefined) escapeFields(copy, ['content']);
  if (!Array.isArray(copy.rows)) return void delete copy.rows;
  const rows = copy.rows.filter(isRecord).map((row) => ({ ...row }));
  if (rows[0]) escapeCells(rows[0]);
  copy.rows = rows;
}

const TEXT_TYPES = ['text/plain', 'application/json'];
const IMAGE_TYPES = ['image/png', 'image/gif'];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Attachments. Text is shown as text, so it is escaped (and handed over base64-encoded, which the reporter
 * decodes). An image's data goes into a `src="data:…"` attribute and any other type's into a link: both only
 * as strict base64, and the type only as a plain `type/subtype`. An attachment declared text/html is shown as
 * HTML: that is what attaching HTML asks for.
 */
function escapeAttachment(copy: JsonRecord): void {
  const media = copy.media as JsonRecord | undefined;
  const type = String(copy.mime_type ?? media?.type ?? '');
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(type)) {
    copy.mime_type = 'application/octet-stream';
    if (media) copy.media = { ...media, type: 'application/octet-stream' };
  }
  // Data that is not text goes into a link or an image's source as it is: made a string first.
  if (copy.data !== undefined && typeof copy.data !== 'string')
    copy.data = Buffer.from(JSON.stringify(copy.data) ?? '').toString('base64');
  if (typeof copy.data !== 'string') return;
  if (TEXT_TYPES.includes(type)) {
    const text = isBase64(copy.data) ? Buffer.from(copy.data, 'base64').toString('utf8') : copy.data;
    copy.data = Buffer.from(escapeText(text)).toString('base64');
  } else if (type !== 'text/html' && !BASE64.test(copy.data)) {
    // Not base64, so not an image or a file either: kept, as text anyone can read, but inert.
    copy.data = Buffer.from(copy.data).toString('base64');
    if (IMAGE_TYPES.includes(type)) copy.mime_type = 'application/octet-stream';
  }
}

/**
 * A field the template prints: text is escaped; an array or an object (lodash would print it with its
 * toString, raw) becomes its JSON, escaped; numbers, booleans and null are harmless as they are.
 */
function escapeFields(record: JsonRecord, fields: string[]): void {
  for (const field of fields) if (field in record) record[field] = escapeValue(record[field]);
}

function escapeValue(value: unknown): unknown {
  if (typeof value === 'string') return escapeText(value);
  if (value !== null && typeof value === 'object') return escapeText(JSON.stringify(value));
  return value;
}

/**
 * A list the template walks: each entry that is an object is copied and edited; anything else in it, and a
 * "list" that is not an array (lodash would walk an object's values or a string's characters), is left out of
 * the page (cucumber.json keeps it as it came).
 */
function listOf(record: JsonRecord, key: string, edit: (copy: JsonRecord) => void): void {
  const value = record[key];
  if (value === undefined) return;
  if (!Array.isArray(value)) return void delete record[key];
  record[key] = value.filter(isRecord).map((entry) => {
    const copy = { ...entry };
    edit(copy);
    return copy;
  });
}

function isRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Like the reporter's own test (is-base64): base64 characters, and decoding and encoding again gives the same text. */
function isBase64(text: string): boolean {
  return text.length > 0 && BASE64.test(text) && Buffer.from(text, 'base64').toString('base64') === text;
}

/** For element text: no tag can start, no entity can be formed. */
function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** For text that may also land in an attribute (the report's title and metadata). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
