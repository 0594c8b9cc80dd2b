/**
 * cucumber-html-reporter's bootstrap template puts most of the report's text into the page raw (lodash
 * `<%= %>`): a feature called `<img src=x onerror=…>` would run script in whoever opens the report. This
 * copy of the Cucumber JSON has exactly those fields HTML-escaped. The fields the template escapes itself
 * (a step's name, its doc string, the body of a step argument's table) are left alone, or they would show
 * `&amp;` where `&` was meant. Only `&`, `<` and `>` are escaped: every raw field is element text, where
 * quotes are harmless, and a step's quoted arguments must stay quotes for the snippet the template derives.
 */
export function escapeForTemplate(features: readonly unknown[]): unknown[] {
  return features.map((feature) => withRecord(feature, escapeNode));
}

type JsonRecord = Record<string, unknown>;

/** A feature, or a scenario (an element): its own text, its tags, and what it holds. */
function escapeNode(copy: JsonRecord): void {
  escapeFields(copy, ['keyword', 'name', 'description']);
  if (Array.isArray(copy.tags)) copy.tags = copy.tags.map((tag) => withRecord(tag, (t) => escapeFields(t, ['name'])));
  if (Array.isArray(copy.elements)) copy.elements = copy.elements.map((element) => withRecord(element, escapeNode));
  // Hooks (`before`, `after`: Cucumber-JVM's and Ruby's layout) are shown as steps too.
  for (const key of ['steps', 'before', 'after']) {
    const steps = copy[key];
    if (Array.isArray(steps)) copy[key] = steps.map((step) => withRecord(step, escapeStep));
  }
}

function escapeStep(copy: JsonRecord): void {
  escapeFields(copy, ['keyword']);
  // The name is escaped by the template, except in the code snippet it suggests for an undefined step.
  if ((copy.result as JsonRecord | undefined)?.status === 'undefined') escapeFields(copy, ['name']);
  if (Array.isArray(copy.output)) copy.output = copy.output.map((line) => (typeof line === 'string' ? escapeText(line) : line));
  // A data table (`rows`) is raw throughout; an argument's table only in its header row.
  if (Array.isArray(copy.rows)) copy.rows = copy.rows.map(escapeCells);
  if (Array.isArray(copy.arguments)) copy.arguments = copy.arguments.map((argument) => withRecord(argument, escapeArgumentHeader));
  if (Array.isArray(copy.embeddings)) copy.embeddings = copy.embeddings.map((embedding) => withRecord(embedding, escapeAttachment));
}

function escapeCells(row: unknown): unknown {
  return withRecord(row, (copy) => {
    if (Array.isArray(copy.cells)) copy.cells = copy.cells.map((cell) => (typeof cell === 'string' ? escapeText(cell) : cell));
  });
}

function escapeArgumentHeader(copy: JsonRecord): void {
  if (Array.isArray(copy.rows) && copy.rows.length > 0) copy.rows = [escapeCells(copy.rows[0]), ...copy.rows.slice(1)];
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

function escapeFields(record: JsonRecord, fields: string[]): void {
  for (const field of fields) if (typeof record[field] === 'string') record[field] = escapeText(record[field]);
}

/** A shallow copy of a JSON object with `edit` applied; anything else as it is. */
function withRecord(value: unknown, edit: (copy: JsonRecord) => void): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const copy = { ...(value as JsonRecord) };
  edit(copy);
  return copy;
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
