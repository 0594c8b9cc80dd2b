import { ensureSingleNodeSwarm } from './support/swarm.js';
import { buildForTests, removeTestLeftovers } from './support/test-build.js';

/**
 * Before any end-to-end test: compile the CLI that the tests run as a child process, make sure a Docker
 * engine runs, build the runner images (fast when they are current) and make the engine a one-node swarm.
 * After them: put the swarm back as it was, and remove the timing histories and server token files the test runs wrote (see
 * support/cli.ts).
 */
export default function setup(): () => Promise<void> {
  buildForTests();
  // The swarm runtime's tests need the engine to be a swarm manager; a swarm made here is left afterwards.
  // BALEEN_TEST_SWARM=off leaves the engine alone, for a developer running only non-swarm files on an engine
  // of their own (the swarm tests then fail).
  const restoreSwarm = process.env.BALEEN_TEST_SWARM === 'off' ? () => undefined : ensureSingleNodeSwarm();
  return async () => {
    restoreSwarm();
    await removeTestLeftovers();
  };
}
