import type { RunOptionFields } from '../domain/run-option-fields.js';
import type { RunOptions } from './declaration.js';

type WireNames = { [N in keyof RunOptions]: RunOptions[N] extends { wire: unknown } ? N : never }[keyof RunOptions];

/** The RunSpec fields the run options give (domain/run-option-fields.ts), each under the option's name. */
export type RunOptionsWireShape = { [N in WireNames]: RunOptions[N]['wire'] };

/**
 * The compiler's check that the options that cross the wire are the RunSpec's option fields, no more and no
 * fewer (a test checks that each points at the field of its own name): an option without its field, or a
 * field without its option, is named here.
 */
type Unpaired = Exclude<WireNames, keyof RunOptionFields> | Exclude<keyof RunOptionFields, WireNames>;
const everyFieldHasItsOption: [Unpaired] extends [never] ? true : Unpaired = true;
void everyFieldHasItsOption;

export type { WireNames };
