import { DEFAULT_RUNTIME, ENGINE_OPTIONS, type EngineOptionName, type RuntimeKind } from './registry.js';

/** Which runtime a server uses and how it reaches its engine (each runtime's options, such as `dockerHost`). */
export type EngineChoice = { runtime: RuntimeKind } & { [Name in EngineOptionName]?: string };

export const DEFAULT_ENGINE: EngineChoice = { runtime: DEFAULT_RUNTIME };

/** The engine a command line (or a run request) names: --runtime, else the default; its engine options if given. */
export function engineChoiceOf(
  named: { runtime?: RuntimeKind | undefined } & { [Name in EngineOptionName]?: string | undefined },
): EngineChoice {
  const choice: EngineChoice = { runtime: named.runtime ?? DEFAULT_RUNTIME };
  for (const name of engineOptionNames()) {
    const value = named[name];
    if (value !== undefined) choice[name] = value;
  }
  return choice;
}

/** The engine options a command line gave: what a `--server` would silently ignore. */
export function engineOptionsGiven(named: { [Name in EngineOptionName]?: string | undefined }): EngineOptionName[] {
  return engineOptionNames().filter((name) => named[name] !== undefined);
}

function engineOptionNames(): EngineOptionName[] {
  return Object.keys(ENGINE_OPTIONS) as EngineOptionName[];
}
