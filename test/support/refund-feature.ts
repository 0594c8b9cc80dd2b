/**
 * A feature whose first two scenarios fail with the assertion's diff on stdout (cucumber-js's own progress
 * output) while the refund service's warning is on stderr, at lines 2 and 6; `more` adds scenarios after them.
 */
export function refundFeature(secondScenario: string, more: string[] = []): string {
  return [
    'Feature: Refunds',
    '  Scenario: a full refund',
    '    When the refund service answers 9',
    '    Then the refund is 10',
    '',
    `  Scenario: ${secondScenario}`,
    '    When the refund service answers 4',
    '    Then the refund is 5',
    '',
    ...more,
  ].join('\n');
}
