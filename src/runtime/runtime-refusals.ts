import { BaleenError } from '../errors/baleen-error.js';
import type { RuntimeTraits } from './runtime-traits.js';
import { runtimesThat } from './registry.js';

/**
 * What a run asks of a runtime that it cannot do, refused before the run starts (exit 2), each in one line
 * whose hint names the runtimes that can (from the registry, so no message here names one).
 */

/** Constraints need a runtime that places containers, and must be in its syntax. */
export function checkPlacement(constraints: readonly string[], traits: RuntimeTraits): void {
  if (constraints.length === 0) return;
  const { placement } = traits;
  if (placement === undefined) {
    throw new BaleenError(
      'USAGE',
      `placement constraints need a cluster, and this server runs containers on ${traits.summary} (--runtime ${traits.kind})`,
      {
        hint: orDrop(
          runtimesThat((other) => other.placement !== undefined),
          '--constraint',
        ),
      },
    );
  }
  const wrong = constraints.find((constraint) => !placement.schema.safeParse(constraint).success);
  if (wrong !== undefined) {
    throw new BaleenError('USAGE', `--constraint ${JSON.stringify(wrong)} is not one ${traits.kind} takes`, {
      hint: `write ${placement.described}`,
    });
  }
}

/** A warm worker reads its features on its stdin. */
export function workersNeedStdin(traits: RuntimeTraits): BaleenError {
  return new BaleenError(
    'USAGE',
    `--isolation worker needs a container whose stdin baleen writes to, and a ${traits.kind} ${traits.unit} has none`,
    {
      hint: `use --batch auto to load the support code once per batch instead${orUse(runtimesThat((other) => other.stdin))}`,
    },
  );
}

/** `--network none`, where every container joins a network. */
export function noNetworkRefused(traits: RuntimeTraits): BaleenError | undefined {
  const reason = traits.networks.noneRefused;
  if (reason === undefined) return undefined;
  return new BaleenError('USAGE', `--network none is not available with --runtime ${traits.kind} (${reason})`, {
    hint: `drop --network${orUse(runtimesThat((other) => other.networks.noneRefused === undefined))}`,
  });
}

/** A `--network` the engine does not have. */
export function missingNetwork(network: string, traits: RuntimeTraits): BaleenError {
  return new BaleenError('USAGE', `network "${network}" does not exist on the ${traits.kind} engine`, {
    hint: `create it first (${traits.networks.create(network)}) or drop --network`,
  });
}

/** Push-triggered runs build the project's image where its containers run. */
export function buildsRefused(traits: RuntimeTraits): BaleenError {
  return new BaleenError(
    'USAGE',
    `push-triggered runs build the project's image where its containers run, and a ${traits.kind} server cannot`,
    { hint: `run the webhook server with ${runtimesThat((other) => other.builds) ?? 'a runtime that builds images'}` },
  );
}

function orUse(runtimes: string | undefined): string {
  return runtimes === undefined ? '' : `, or use ${runtimes}`;
}

function orDrop(runtimes: string | undefined, flag: string): string {
  return runtimes === undefined ? `drop ${flag}` : `use ${runtimes}, or drop ${flag}`;
}
