/**
 * The report with only what the template needs to draw a feature, a scenario and a step, every field of its
 * expected type: what index.html is made from when the full copy made cucumber-html-reporter fail (a field of
 * a shape nobody foresaw), so that a malformed report costs its decorations (tags, tables, attachments), never
 * the page. Statuses, durations and error messages are kept, so the counts and failures are the same.
 */
export function plainCopy(features: readonly unknown[]): unknown[] {
  return features.filter(isRecord).map((feature) => ({
    keyword: text(feature.keyword) || 'Feature',
    name: text(feature.name),
    uri: text(feature.uri),
    elements: records(feature.elements).map((element) => ({
      keyword: text(element.keyword) || 'Scenario',
      type: text(element.type) || 'scenario',
      name: text(element.name),
      steps: records(element.steps).map((step) => {
        const result = isRecord(step.result) ? step.result : {};
        return {
          keyword: text(step.keyword),
          name: text(step.name),
          ...(step.hidden === true ? { hidden: true } : {}),
          result: {
            status: text(result.status) || 'skipped',
            duration: typeof result.duration === 'number' && Number.isFinite(result.duration) ? result.duration : 0,
            ...(result.error_message === undefined ? {} : { error_message: text(result.error_message) }),
          },
        };
      }),
    })),
  }));
}

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function records(value: unknown): JsonRecord[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
