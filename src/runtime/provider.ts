import type { ContainerRuntime } from './container-runtime.js';
import type { RuntimeTraits } from './runtime-traits.js';

/**
 * A runtime, as the rest of baleen knows it: one provider per folder of src/runtime (docker/, swarm/), listed
 * once in registry.ts. Everything outside src/runtime that depends on the engine (the `--runtime` choices and
 * the engine flags, the checks a run goes through, every message and hint naming a runtime) is derived from
 * the providers, so adding a runtime is its folder and its line in the registry.
 */
export interface RuntimeProvider<Kind extends string = string, Option extends string = string>
  extends RuntimeTraits<Kind> {
  /** How a process reaches this runtime's engine: its flags (shared by runtimes that reach it alike). */
  readonly options: { readonly [Name in Option]: EngineOption };
  /** The runtime, connected as the options say; only its own modules are loaded. */
  create(options: { readonly [Name in Option]?: string | undefined }): Promise<ContainerRuntime>;
}

/** One flag of an engine's address (`--docker-host`): run-options and the CLI turn it into a flag. */
export interface EngineOption {
  /** commander's flags, with the value's name: `--docker-host <url>`. */
  readonly flags: string;
  readonly description: string;
  /** Why a project in baleen.yml has no key for it. */
  readonly notInFile: string;
}
