import { execFileSync } from 'node:child_process';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function swarmState(): string {
  return docker('info', '--format', '{{.Swarm.LocalNodeState}}');
}

/**
 * Makes the main engine a one-node swarm for the swarm tests, and returns what puts it back as it was found:
 * a swarm that was already there (someone's own) is used as it is and left alone.
 */
export function ensureSingleNodeSwarm(): () => void {
  if (swarmState() === 'active') return () => undefined;
  // `swarm init` also makes the docker_gwbridge network, and `swarm leave` keeps it: remove it too if it is new.
  const hadGatewayBridge = docker('network', 'ls', '-q', '--filter', 'name=^docker_gwbridge$') !== '';
  docker('swarm', 'init', '--advertise-addr', '127.0.0.1');
  return () => {
    docker('swarm', 'leave', '--force');
    if (!hadGatewayBridge) removeGatewayBridge();
  };
}

/** Best effort: the engine may still hold an endpoint on it for a moment (moby/moby#37018). */
function removeGatewayBridge(): void {
  try {
    docker('network', 'rm', 'docker_gwbridge');
  } catch (error) {
    console.warn(
      `could not remove the docker_gwbridge network the swarm set-up made: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

/** Ids of every swarm service baleen labelled: what a swarm test must leave at zero. */
export function baleenServices(): string[] {
  if (swarmState() !== 'active') return [];
  return docker('service', 'ls', '-q', '--filter', 'label=io.baleen.managed=true').split('\n').filter(Boolean);
}

/** Like expectNoContainersLeft, for services: removes leftovers so that one leak is reported once. */
export function expectNoServicesLeft(): string[] {
  const left = baleenServices();
  if (left.length > 0) docker('service', 'rm', ...left);
  return left;
}
