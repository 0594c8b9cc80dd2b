import { z } from 'zod';

/**
 * Cucumber Messages (`--format message`, NDJSON: one envelope a line) as the image's cucumber writes them. Only
 * the fields baleen reads are declared, each checked for its type; everything else passes through untouched
 * (messages.ndjson and cucumber.html keep the envelopes as they came). This is the only declaration of the shape.
 */
const text = z.string().optional().catch(undefined);
const location = z.looseObject({ line: z.number() }).optional().catch(undefined);
const ids = z.array(z.string()).catch([]);

const GherkinStepSchema = z.looseObject({ id: z.string(), location, keyword: text, text });
const GherkinScenarioSchema = z.looseObject({
  id: z.string(),
  location,
  keyword: text,
  name: text,
  steps: z.array(GherkinStepSchema).catch([]),
  examples: z
    .array(z.looseObject({ tableBody: z.array(z.looseObject({ id: z.string(), location })).catch([]) }))
    .catch([]),
});
const GherkinBackgroundSchema = z.looseObject({ id: z.string(), steps: z.array(GherkinStepSchema).catch([]) });
const GherkinChildSchema = z.looseObject({
  background: GherkinBackgroundSchema.optional().catch(undefined),
  scenario: GherkinScenarioSchema.optional().catch(undefined),
  rule: z
    .looseObject({
      children: z
        .array(
          z.looseObject({
            background: GherkinBackgroundSchema.optional().catch(undefined),
            scenario: GherkinScenarioSchema.optional().catch(undefined),
          }),
        )
        .catch([]),
    })
    .optional()
    .catch(undefined),
});
export type GherkinChild = z.infer<typeof GherkinChildSchema>;
export type GherkinScenario = z.infer<typeof GherkinScenarioSchema>;

export const EnvelopeSchema = z.looseObject({
  gherkinDocument: z
    .looseObject({
      uri: text,
      feature: z
        .looseObject({
          location,
          keyword: text,
          name: text,
          description: text,
          children: z.array(GherkinChildSchema).catch([]),
        })
        .optional()
        .catch(undefined),
    })
    .optional()
    .catch(undefined),
  pickle: z
    .looseObject({
      id: z.string(),
      uri: text,
      name: text,
      astNodeIds: ids,
      steps: z.array(z.looseObject({ id: z.string(), astNodeIds: ids, text })).catch([]),
    })
    .optional()
    .catch(undefined),
  testCase: z
    .looseObject({
      id: z.string(),
      pickleId: z.string(),
      testSteps: z.array(z.looseObject({ id: z.string(), pickleStepId: text, hookId: text })).catch([]),
    })
    .optional()
    .catch(undefined),
  testCaseStarted: z
    .looseObject({ id: z.string(), testCaseId: z.string(), attempt: z.number().catch(0) })
    .optional()
    .catch(undefined),
  testStepFinished: z
    .looseObject({
      testCaseStartedId: z.string(),
      testStepId: z.string(),
      testStepResult: z.looseObject({
        status: z.string(),
        duration: z.looseObject({ seconds: z.number(), nanos: z.number() }).optional().catch(undefined),
        message: text,
      }),
    })
    .optional()
    .catch(undefined),
  /** cucumber-js's snippet for an undefined step (what its summary prints under the step). */
  suggestion: z
    .looseObject({
      pickleStepId: z.string(),
      snippets: z.array(z.looseObject({ code: z.string() })).catch([]),
    })
    .optional()
    .catch(undefined),
  testRunStarted: z.looseObject({}).optional().catch(undefined),
  testRunFinished: z
    .looseObject({ success: z.boolean().optional().catch(undefined) })
    .optional()
    .catch(undefined),
  meta: z.looseObject({}).optional().catch(undefined),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/** Whether a report's text is Cucumber Messages rather than Cucumber JSON: NDJSON starts with an object, JSON with an array. */
export function looksLikeMessages(text: string): boolean {
  return text.trimStart().startsWith('{');
}

/** Each line of NDJSON as an envelope; a line that is not a JSON object is an error naming its number. */
export function parseEnvelopes(text: string, path: string): Envelope[] {
  const envelopes: Envelope[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(
        `${path} line ${index + 1} is not a Cucumber message (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    const parsed = EnvelopeSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(`${path} line ${index + 1} is not a Cucumber message (expected one JSON object a line)`);
    envelopes.push(parsed.data);
  });
  return envelopes;
}
