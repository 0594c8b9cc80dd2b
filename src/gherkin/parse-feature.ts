import { generateMessages } from '@cucumber/gherkin';
import { IdGenerator, type Envelope } from '@cucumber/messages';
import type { FeaturePlan, GherkinParseError, PlannedScenario } from '../domain/feature-plan.js';
import { mediaTypeOf } from './media-type.js';
import { lineagesOf } from './scenario-lineage.js';

/**
 * Parses one feature file's text with Cucumber's own parser (the major version the runner image's
 * cucumber-js uses) into what it holds: its scenarios as cucumber-js pickles them, or its parse errors.
 * Pure: `file` only names the source and picks Markdown mode for `*.md`.
 */
export function parseFeature(file: string, source: string): FeaturePlan {
  const envelopes = generateMessages(source, file, mediaTypeOf(file), {
    includeSource: false,
    includeGherkinDocument: true,
    includePickles: true,
    newId: IdGenerator.incrementing(),
  });
  const errors = envelopes.flatMap(parseErrorOf);
  if (errors.length > 0) return { kind: 'parse-error', file, errors };
  const feature = envelopes.find((envelope) => envelope.gherkinDocument)?.gherkinDocument?.feature;
  const lineages = lineagesOf(feature);
  const scenarios = envelopes.flatMap(scenarioOf).map((scenario) => {
    const lineage = lineages.get(scenario.line);
    return lineage ? { ...scenario, lineage } : scenario;
  });
  return { kind: 'parsed', file, name: feature?.name ?? '', scenarios };
}

function parseErrorOf(envelope: Envelope): GherkinParseError[] {
  const error = envelope.parseError;
  return error ? [{ message: error.message, line: error.source.location?.line ?? 0 }] : [];
}

function scenarioOf(envelope: Envelope): PlannedScenario[] {
  const pickle = envelope.pickle;
  // A pickle's location is its Scenario's line, or for an outline its Examples row's line.
  if (!pickle?.location) return [];
  return [{ name: pickle.name, line: pickle.location.line, tags: pickle.tags.map((tag) => tag.name) }];
}
