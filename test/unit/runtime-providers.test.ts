import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram, type CommandHandlers } from '../../src/cli/program.js';
import type { BaleenError } from '../../src/errors/baleen-error.js';
import { RUN_OPTIONS } from '../../src/run-options/declaration.js';
import { engineChoiceOf } from '../../src/runtime/engine-choice.js';
import { ENGINE_OPTIONS, PROVIDERS, RUNTIME_KINDS, providerOf } from '../../src/runtime/registry.js';
import {
  buildsRefused,
  checkPlacement,
  missingNetwork,
  noNetworkRefused,
  workersNeedStdin,
} from '../../src/runtime/runtime-refusals.js';
import { FAKE_TRAITS } from '../support/fake-runtime.js';

const docker = providerOf('docker');
const swarm = providerOf('swarm');
const thrown = (run: () => void): BaleenError => {
  try {
    run();
  } catch (error) {
    return error as BaleenError;
  }
  throw new Error('nothing was thrown');
};

describe('the runtime registry', () => {
  it("is where --runtime's choices, its default and its help come from", () => {
    expect(RUNTIME_KINDS).toEqual(PROVIDERS.map((provider) => provider.kind));
    const flag = RUN_OPTIONS.runtime.cli.make();
    expect(flag.argChoices).toEqual(RUNTIME_KINDS);
    for (const provider of PROVIDERS) expect(flag.description).toContain(provider.summary);
    expect(flag.description).toContain(`(default: ${PROVIDERS[0].kind})`);
  });

  it('gives cucumber, server and reap each engine option of every runtime as a flag', () => {
    const program = buildProgram({} as CommandHandlers);
    const flags = Object.values(ENGINE_OPTIONS).map((option) => option.flags.split(' ')[0]);
    expect(flags).toContain('--docker-host');
    for (const name of ['cucumber', 'server', 'reap']) {
      const command = program.commands.find((candidate) => candidate.name() === name)!;
      const longs = command.options.map((option) => option.long);
      expect(longs, name).toContain('--runtime');
      for (const flag of flags) expect(longs, name).toContain(flag);
    }
  });

  it('passes each engine option to the chosen runtime, and nothing it was not given', () => {
    expect(engineChoiceOf({})).toEqual({ runtime: 'docker' });
    expect(engineChoiceOf({ runtime: 'swarm', dockerHost: 'tcp://m:2375' })).toEqual({
      runtime: 'swarm',
      dockerHost: 'tcp://m:2375',
    });
  });
});

describe('what a runtime cannot do, refused with the runtimes that can', () => {
  it('placement constraints: refused on one engine, naming the runtime that places', () => {
    expect(() => checkPlacement([], docker)).not.toThrow();
    const refused = thrown(() => checkPlacement(['node.role==manager'], docker));
    expect(refused.code).toBe('USAGE');
    expect(refused.toLine()).toBe(
      'placement constraints need a cluster, and this server runs containers on one Docker engine (--runtime docker): use --runtime swarm, or drop --constraint',
    );
  });

  it("placement constraints: checked against the placing runtime's own syntax", () => {
    expect(() => checkPlacement(['node.role==manager', 'node.labels.pool != ci'], swarm)).not.toThrow();
    for (const constraint of ['pool=ci', 'node.rol==manager']) {
      const refused = thrown(() => checkPlacement([constraint], swarm));
      expect(refused.code).toBe('USAGE');
      expect(refused.toLine()).toMatch(
        new RegExp(
          `^--constraint "${constraint}" is not one swarm takes: write a placement constraint such as node\\.labels\\.pool==ci`,
        ),
      );
    }
  });

  it('warm workers, --network none, a missing network and image builds', () => {
    expect(workersNeedStdin(FAKE_TRAITS).toLine()).toBe(
      '--isolation worker needs a container whose stdin baleen writes to, and a fake container has none: use --batch auto to load the support code once per batch instead, or use --runtime docker or --runtime swarm',
    );
    expect(noNetworkRefused(docker)).toBeUndefined();
    expect(noNetworkRefused(swarm)?.toLine()).toBe(
      '--network none is not available with --runtime swarm (a service always joins a network): drop --network, or use --runtime docker',
    );
    expect(missingNetwork('services', swarm).toLine()).toBe(
      'network "services" does not exist on the swarm engine: create it first (docker network create --driver overlay --attachable services) or drop --network',
    );
    expect(buildsRefused(swarm).toLine()).toMatch(
      /a swarm server cannot: run the webhook server with --runtime docker$/,
    );
  });
});

describe('outside src/runtime', () => {
  it('no file names an engine: the runtimes are known through their providers only', () => {
    const src = fileURLToPath(new URL('../../src', import.meta.url));
    // grep exits 1 when nothing matches, 2 when it fails.
    const grep = spawnSync('grep', ['-rniwE', 'docker|swarm|podman', '--exclude-dir=runtime', '.'], {
      cwd: src,
      encoding: 'utf8',
    });
    expect(grep.status).not.toBe(2);
    const named = grep.stdout
      .split('\n')
      .filter(Boolean)
      // The default registry's host name is part of what an image reference means, whatever the engine.
      .filter((line) => !/docker\.io/.test(line));
    expect(named).toEqual([]);
  });
});
