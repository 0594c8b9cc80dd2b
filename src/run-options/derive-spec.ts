import type { z } from 'zod';
import { batchChoiceOf } from '../batch/batch-option.js';
import { DEFAULT_BATCH_COMMAND } from '../domain/command-template.js';
import { runOptionEntries, type RunOptions } from './declaration.js';
import type { ValueOf } from './option.js';
import type { RunRequest } from './values.js';
import type { RunOptionsWireShape, WireNames } from './wire-shape.js';

/** The RunSpec fields the run options give, before the server's schema checks them. */
export type RunOptionsWireInput = { [N in WireNames]: z.input<RunOptionsWireShape[N]> };

/** How the run packs its features into containers: --batch, with --batch-target inside when it is `auto`. */
export function batchOf(request: RunRequest) {
  return batchChoiceOf(request.batch, request.batchTargetMs);
}

/**
 * The wire fields that are not the option's value as it is: `batch` carries --batch-target inside it, and with
 * --batch the default command gives the runner every feature of the batch.
 */
const COMPOSED = {
  batch: batchOf,
  command: (request: RunRequest) =>
    request.command ?? (request.batch === undefined ? undefined : DEFAULT_BATCH_COMMAND),
} satisfies { [N in WireNames]?: (request: RunRequest) => z.input<RunOptionsWireShape[N]> };

/** The RunSpec fields of a request: each option that crosses the wire, under its own name. */
export function specFieldsOf(request: RunRequest): RunOptionsWireInput {
  const fields: Record<string, unknown> = {};
  for (const [name, option] of runOptionEntries()) if (option.wire) fields[name] = request[name];
  for (const [name, compose] of Object.entries(COMPOSED)) fields[name] = compose(request);
  return fields as RunOptionsWireInput;
}

/**
 * The compiler's check that every other option's value is what its RunSpec field takes, so a type flows
 * from the flag to the server unchanged: a mismatch names the option here.
 */
type Plain = Exclude<WireNames, keyof typeof COMPOSED>;
type Mismatched = { [N in Plain]: ValueOf<RunOptions[N]> extends z.input<RunOptionsWireShape[N]> ? never : N }[Plain];
const everyValueFitsItsField: [Mismatched] extends [never] ? true : Mismatched = true;
void everyValueFitsItsField;
