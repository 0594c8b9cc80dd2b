import { generateMessages } from '@cucumber/gherkin';
import { IdGenerator, type Envelope, type Feature } from '@cucumber/messages';
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
  const outlines = outlineLines(feature);
  const scenarios = envelopes
    .flatMap((envelope) => scenarioOf(envelope, outlines))
    .map((scenario) => {
      const lineage = lineages.get(scenario.line);
      return lineage ? { ...scenario, lineage } : scenario;
    });
  return { kind: 'parsed', file, name: feature?.name ?? '', scenarios };
}

function parseErrorOf(envelope: Envelope): GherkinParseError[] {
  const error = envelope.parseError;
  return error ? [{ message: error.message, line: error.source.location?.line ?? 0 }] : [];
}

function scenarioOf(envelope: Envelope, outlines: ReadonlyMap<string, number>): PlannedScenario[] {
  const pickle = envelope.pickle;
  // A pickle's location is its Scenario's line, or for an outline its Examples row's line.
  if (!pickle?.location) return [];
  // An outline row's pickle names its outline first, then its row: the outline's line selects every row.
  const outlineLine = pickle.astNodeIds.length > 1 ? outlines.get(pickle.astNodeIds[0]!) : undefined;
  return [
    {
      name: pickle.name,
      line: pickle.location.line,
      ...(outlineLine === undefined ? {} : { outlineLine }),
      tags: pickle.tags.map((tag) => tag.name),
    },
  ];
}

/** Each Scenario Outline's id and line, in Rules too. */
function outlineLines(feature: Feature | undefined): Map<string, number> {
  const children = (feature?.children ?? []).flatMap((child) => (child.rule ? child.rule.children : [child]));
  return new Map(
    children.flatMap(({ scenario }) =>
      scenario && scenario.examples.length > 0 ? [[scenario.id, scenario.location.line] as const] : [],
    ),
  );
}
