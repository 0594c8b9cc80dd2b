import { execFileSync } from 'node:child_process';

export const TEST_IMAGE = 'baleen-test-runner';
export const FIXTURE_SUITE = new URL('../fixtures/suite/', import.meta.url).pathname;

/** Ids of every container baleen labelled, running or not: what a test must leave at zero. */
export function baleenContainers(): string[] {
  const out = execFileSync('docker', ['ps', '-aq', '--filter', 'label=io.baleen.managed=true'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

/**
 * Ids of the baleen containers running now: a run may also have made the next jobs' containers, which run
 * nothing until their slot comes (see actors/prepared-container.ts).
 */
export function runningBaleenContainers(): string[] {
  const out = execFileSync('docker', ['ps', '-q', '--filter', 'label=io.baleen.managed=true'], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

/**
 * Waits until no baleen container exists: polls the engine for the condition, failing after the deadline.
 * With `afterAtLeastOne`, first waits for one to appear (for a run that is only just starting).
 */
export async function waitForNoBaleenContainers(
  timeoutMs: number,
  options: { afterAtLeastOne?: boolean } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const poll = async (done: () => boolean, what: string) => {
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${what} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  if (options.afterAtLeastOne) await poll(() => baleenContainers().length > 0, 'no container appeared');
  await poll(() => baleenContainers().length === 0, 'containers still there');
}

/**
 * The after-each check: no container of baleen's may be left. Leftovers are removed before the assertion
 * fails, so one leaking test is reported once and does not fail every test after it.
 */
export function expectNoContainersLeft(): string[] {
  const left = baleenContainers();
  if (left.length > 0) execFileSync('docker', ['rm', '-f', ...left], { stdio: 'ignore' });
  return left;
}
