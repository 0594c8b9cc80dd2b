import { runOptionEntries, type RunOptions } from './declaration.js';

type WireNames = { [N in keyof RunOptions]: RunOptions[N] extends { wire: unknown } ? N : never }[keyof RunOptions];

/** The RunSpec fields the run options give (see domain/run-spec.ts), each under the option's name. */
export type RunOptionsWireShape = { [N in WireNames]: RunOptions[N]['wire'] };

export const RUN_OPTIONS_WIRE_SHAPE = Object.fromEntries(
  runOptionEntries().flatMap(([name, option]) => (option.wire ? [[name, option.wire]] : [])),
) as RunOptionsWireShape;

export type { WireNames };
