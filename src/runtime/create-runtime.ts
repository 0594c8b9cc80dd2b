import type { ContainerRuntime } from './container-runtime.js';
import type { EngineChoice } from './engine-choice.js';
import { providerOf } from './registry.js';

export type { EngineChoice } from './engine-choice.js';

/** The runtime of the chosen engine: its provider loads only its own modules (a docker run pays nothing for swarm's). */
export function createRuntime(choice: EngineChoice): Promise<ContainerRuntime> {
  return providerOf(choice.runtime).create(choice);
}
