import { z } from 'zod';

/**
 * What a feature file holds, as read on the client by Cucumber's own parser before any container starts.
 * Scenarios are listed as cucumber-js pickles them: a Scenario is one entry, a Scenario Outline one entry per
 * Examples row. `line` is the line `cucumber-js FILE:LINE` selects that entry by (an outline row's own line),
 * and the `line` its Cucumber JSON element carries.
 */
/** Where a scenario sits in its feature file, as Cucumber's own JUnit formatter names it. */
export const ScenarioLineageSchema = z.strictObject({
  /** The Rule's, the Scenario (Outline)'s and the Examples' names, those that are not empty. */
  names: z.array(z.string().max(65_536)).max(3),
  /** For a row of an Examples table: `#<table>.<row>`, both counted from 1. */
  example: z.string().max(64).optional(),
  /** The Scenario (Outline)'s own name, before its placeholders are filled in. */
  template: z.string().max(65_536),
});
export type ScenarioLineage = z.infer<typeof ScenarioLineageSchema>;

export const PlannedScenarioSchema = z.strictObject({
  /** The pickle's name: an outline row's has its `<placeholders>` filled in. */
  name: z.string().max(65_536),
  line: z.number().int().positive(),
  /** For an Examples row: its Scenario Outline's line, which selects every row (`cucumber-js FILE:LINE`). */
  outlineLine: z.number().int().positive().optional(),
  /** Every tag that applies (the feature's, the rule's, the scenario's and the Examples'), with its `@`. */
  tags: z.array(z.string().max(4096)).max(10_000),
  /** Its Rule, Outline and Examples table, read in the same parse (the JUnit reporter names testcases by it). */
  lineage: ScenarioLineageSchema.optional(),
});
export type PlannedScenario = z.infer<typeof PlannedScenarioSchema>;

/** A place in a feature file that the parser refused, with the parser's own message. */
export const GherkinParseErrorSchema = z.strictObject({
  /** The parser's message, which starts with "(line:column):". */
  message: z.string().max(65_536),
  line: z.number().int().nonnegative(),
});
export type GherkinParseError = z.infer<typeof GherkinParseErrorSchema>;

/** A feature file the parser read: its scenarios in file order (none for a file without a Feature). */
export const ParsedFeatureSchema = z.strictObject({
  kind: z.literal('parsed'),
  /** The path as given to baleen (relative to the working directory, `/` separators). */
  file: z.string().min(1).max(4096),
  /** The Feature's name; empty when the file has no Feature. */
  name: z.string().max(65_536),
  scenarios: z.array(PlannedScenarioSchema),
});
export type ParsedFeature = z.infer<typeof ParsedFeatureSchema>;

/** A feature file the parser refused: every error it found, in file order (at least one). */
export const UnparsableFeatureSchema = z.strictObject({
  kind: z.literal('parse-error'),
  file: z.string().min(1).max(4096),
  errors: z.array(GherkinParseErrorSchema).min(1),
});
export type UnparsableFeature = z.infer<typeof UnparsableFeatureSchema>;

export const FeaturePlanSchema = z.discriminatedUnion('kind', [ParsedFeatureSchema, UnparsableFeatureSchema]);
export type FeaturePlan = z.infer<typeof FeaturePlanSchema>;
