import type { RunOptionName, RunOptions } from './declaration.js';
import type { ValueOf } from './option.js';

/** What one source says about a run (the command line, or a project of baleen.yml): any option, each typed as declared. */
export type RunOptionValues = { [N in RunOptionName]?: ValueOf<RunOptions[N]> };

/** The options a run cannot be without: required ones, and those with a value when nothing is given. */
type SetNames = {
  [N in RunOptionName]: RunOptions[N] extends { required: true } | { fallback: () => unknown } ? N : never;
}[RunOptionName];

/**
 * Everything the client needs to run a suite, whichever way it was asked for (flags, a project file, a push):
 * the options merged (derive-request.ts), those with a fallback or required always set.
 */
export type RunRequest = { [N in SetNames]: ValueOf<RunOptions[N]> } & {
  [N in Exclude<RunOptionName, SetNames>]?: ValueOf<RunOptions[N]>;
};
