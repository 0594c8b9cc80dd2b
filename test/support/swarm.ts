import { execFileSync } from 'node:child_process';

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

function swarmState(): string {
  return docker('info', '--format', '{{.Swarm.LocalNodeState}}');
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
