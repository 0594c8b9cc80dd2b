import { CucumberJsonSchema, type CucumberJson } from '../domain/cucumber-json.js';
import { looksLikeMessages, parseEnvelopes } from '../cucumber-messages/envelopes.js';
import { messagesToCucumberJson } from '../cucumber-messages/to-cucumber-json.js';
import { messageOf } from '../errors/baleen-error.js';

export interface ParsedReport {
  report: CucumberJson | null;
  /** The report as Cucumber Messages (NDJSON), when it came so; `report` is read from it. */
  messages?: string;
}

/** The report by its content: Cucumber JSON (an array), or Cucumber Messages (NDJSON) read into the same records. */
export function parseReport(bytes: Buffer, path: string): ParsedReport {
  const text = bytes.toString('utf8').trim();
  // cucumber-js creates the file when it starts and writes the JSON at the end: empty means it never finished.
  if (text === '') return { report: null };
  if (looksLikeMessages(text))
    return { report: messagesToCucumberJson(parseEnvelopes(text, path)), messages: `${text}\n` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${messageOf(error)})`);
  }
  const parsed = CucumberJsonSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path} is not a Cucumber JSON report (expected an array of features)`);
  return { report: parsed.data };
}
