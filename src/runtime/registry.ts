import { dockerProvider } from './docker/docker-provider.js';
import type { EngineOption } from './provider.js';
import type { RuntimeTraits } from './runtime-traits.js';
import { swarmProvider } from './swarm/swarm-provider.js';

/**
 * Every runtime baleen has, the default first. A new runtime is a folder with its provider, and one line here:
 * `--runtime`'s choices, the engine flags, the project file's `runtime` key and every hint that names a
 * runtime follow from this list.
 */
export const PROVIDERS = [dockerProvider, swarmProvider] as const;

type Provider = (typeof PROVIDERS)[number];
export type RuntimeKind = Provider['kind'];
export const RUNTIME_KINDS = PROVIDERS.map((provider) => provider.kind) as [RuntimeKind, ...RuntimeKind[]];
export const DEFAULT_RUNTIME: RuntimeKind = PROVIDERS[0].kind;

/** The names of the engine options, over every runtime: `dockerHost`. */
export type EngineOptionName = OptionNamesOf<Provider>;
type OptionNamesOf<P> = P extends { options: infer Options } ? keyof Options & string : never;

/** Each engine option once, in the runtimes' order (runtimes that reach their engine alike share one). */
export const ENGINE_OPTIONS = Object.fromEntries(
  PROVIDERS.flatMap((provider) => Object.entries<EngineOption>(provider.options)),
) as Record<EngineOptionName, EngineOption>;

export function providerOf(kind: RuntimeKind): Provider {
  // RUNTIME_KINDS is derived from PROVIDERS: a kind always has its provider.
  return PROVIDERS.find((provider) => provider.kind === kind)!;
}

/** The `--runtime` choices that can do something, for a hint: `--runtime swarm`; undefined when none can. */
export function runtimesThat(can: (traits: RuntimeTraits) => boolean): string | undefined {
  const kinds = PROVIDERS.filter(can).map((provider) => `--runtime ${provider.kind}`);
  return kinds.length === 0 ? undefined : kinds.join(' or ');
}
