import type { FeatureView, RunView, ScenarioView } from '../../domain/run-view.js';

export type { FeatureView, JobView, RunView, ScenarioView } from '../../domain/run-view.js';

/** A change of the board, as the live page gets it over server-sent events. */
export type BoardEvent =
  | { type: 'run'; run: RunView }
  | { type: 'feature'; runId: string; feature: FeatureView }
  | { type: 'scenario'; runId: string; file: string; scenario: ScenarioView };
