import type { FeatureResult } from '../domain/feature-run.js';
import type { UnparsableFeature } from '../domain/feature-plan.js';

const EMPTY_TAIL = { text: '', totalBytes: 0, truncatedBytes: 0 };

/**
 * A feature file the Gherkin parser refused, as a final result: `failed`, found on the client before any
 * container, with the parser's message and line. It is never retried: the same text fails the same way.
 */
export function parseFailureResult(plan: UnparsableFeature): FeatureResult {
  const [first, ...more] = plan.errors;
  const others =
    more.length === 0
      ? ''
      : ` (and ${more.length} more parse error${more.length === 1 ? '' : 's'}, from line ${more.map((error) => error.line).join(', ')})`;
  return {
    file: plan.file,
    attempt: 1,
    status: 'failed',
    flaky: false,
    previousAttempts: [],
    exitCode: null,
    durationMs: 0,
    stdout: EMPTY_TAIL,
    stderr: EMPTY_TAIL,
    cucumberJson: null,
    error: `Gherkin parse error at line ${first!.line}: ${first!.message}${others}; found before any container started`,
    ...(first!.line > 0 ? { errorLine: first!.line } : {}),
    engineFailure: false,
  };
}
