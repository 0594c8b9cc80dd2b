import { describe, expect, it } from 'vitest';
import { resolveEngineTarget } from '../../src/runtime/docker/engine-address.js';
import { dialectOf } from '../../src/runtime/docker/podman.js';

/** Which engine baleen picks when the machine has only these sockets. */
const pick = (sockets: string[], env: NodeJS.ProcessEnv = {}) =>
  resolveEngineTarget({ env: { HOME: '/home/nobody-here', ...env }, socketExists: (path) => sockets.includes(path) });

describe("finding Podman's socket, as testcontainers does", () => {
  it("takes Docker's socket first, then Podman's rootful one, then this user's rootless one", () => {
    const rootless = '/run/user/1000/podman/podman.sock';
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    expect(pick(['/var/run/docker.sock', '/run/podman/podman.sock', rootless], env)).toMatchObject({
      url: 'unix:///var/run/docker.sock',
      from: 'the default',
    });
    expect(pick(['/run/podman/podman.sock', rootless], env)).toMatchObject({
      url: 'unix:///run/podman/podman.sock',
      from: "Podman's socket",
    });
    expect(pick([rootless], env)).toMatchObject({
      url: `unix://${rootless}`,
      from: "this user's Podman socket",
    });
  });

  it("with no socket there, names Docker's (the error says how to start either)", () => {
    expect(pick([])).toMatchObject({ url: 'unix:///var/run/docker.sock', from: 'the default' });
  });

  it('lets DOCKER_HOST (and so the flag and a context) win over any local socket', () => {
    expect(pick(['/run/podman/podman.sock'], { DOCKER_HOST: 'tcp://build-box:2375' })).toMatchObject({
      url: 'tcp://build-box:2375',
      from: 'DOCKER_HOST',
    });
  });
});

describe("telling Podman from Docker by the engine's version", () => {
  it('is Podman when a component is the Podman Engine, and Docker otherwise', () => {
    // As Podman 4.3.1 and Docker 20.10 answer GET /version (the components' names).
    const podman = {
      Components: [
        { Name: 'Podman Engine', Version: '4.3.1' },
        { Name: 'Conmon', Version: '2.1.6' },
      ],
    };
    const docker = {
      Components: [
        { Name: 'Engine', Version: '20.10.24' },
        { Name: 'containerd', Version: '1.6' },
      ],
    };
    expect(dialectOf(podman)).toMatchObject({ product: 'Podman', killBeforeRemove: true });
    expect(dialectOf(docker)).toMatchObject({ product: 'Docker', killBeforeRemove: false });
    expect(dialectOf({})).toMatchObject({ product: 'Docker' });
  });
});
