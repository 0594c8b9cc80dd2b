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
  if (Array.isArray(copy.steps)) copy.steps = copy.steps.map((step) => withRecord(step, escapeStep));
}

function escapeStep(copy: JsonRecord): void {
  escapeFields(copy, ['keyword']);
  // The name is escaped by the template, except in the code snippet it suggests for an undefined step.
  if ((copy.result as JsonRecord | undefined)?.status === 'undefined') escapeFields(copy, ['name']);
  if (Array.isArray(copy.output)) copy.output = copy.output.map((line) => (typeof line === 'string' ? escapeText(line) : line));
  // A data table (`rows`) is raw throughout; an argument's table only in its header row.
  if (Array.isArray(copy.rows)) copy.rows = copy.rows.map(escapeCells);
  if (Array.isArray(copy.arguments)) copy.arguments = copy.arguments.map((argument) => withRecord(argument, escapeArgumentHeader));
  if (Array.isArray(copy.embeddings)) copy.embeddings = copy.embeddings.map((embedding) => withRecord(embedding, escapeTextEmbedding));
}

function escapeCells(row: unknown): unknown {
  return withRecord(row, (copy) => {
    if (Array.isArray(copy.cells)) copy.cells = copy.cells.map((cell) => (typeof cell === 'string' ? escapeText(cell) : cell));
  });
}

function escapeArgumentHeader(copy: JsonRecord): void {
  if (Array.isArray(copy.rows) && copy.rows.length > 0) copy.rows = [escapeCells(copy.rows[0]), ...copy.rows.slice(1)];
}

/**
 * Text attachments are shown as text, so they are escaped (and handed over base64-encoded, which the
 * reporter decodes). An attachment declared as text/html is shown as HTML: that is what attaching HTML asks for.
 */
function escapeTextEmbedding(copy: JsonRecord): void {
  if (typeof copy.data !== 'string' || !['text/plain', 'application/json'].includes(String(copy.mime_type))) return;
  const text = isBase64(copy.data) ? Buffer.from(copy.data, 'base64').toString('utf8') : copy.data;
  copy.data = Buffer.from(escapeText(text)).toString('base64');
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

/** The reporter's own test (is-base64): decoding and encoding again gives the same text. */
function isBase64(text: string): boolean {
  return text.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text) && Buffer.from(text, 'base64').toString('base64') === text;
}

/** For element text: no tag can start, no entity can be formed. */
function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** For text that may also land in an attribute (the report's title and metadata). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
