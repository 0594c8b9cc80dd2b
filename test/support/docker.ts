import { execFileSync } from 'node:child_process';

export const TEST_IMAGE = 'baleen-test-runner';
export const FIXTURE_SUITE = new URL('../fixtures/suite/', import.meta.url).pathname;

/** Ids of every container baleen labelled, running or not: what a test must leave at zero. */
export function baleenContainers(): string[] {
  const out = execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.baleen.managed=true'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}
