import { describe, expect, it } from 'vitest';
import { imageNotFoundError, unreachableError } from '../../src/runtime/docker/docker-errors.js';

/** Anything that exists only in a clone of baleen's repository, never in an install from npm. */
const REPOSITORY_ONLY = /npm run |docker\/ensure-docker\.sh|docker\/build-images\.sh/;

describe('error hints work from an install, not only from a clone of baleen', () => {
  it('an engine that is not running: how to start one on the usual platforms, or point at another', () => {
    const error = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), {
      code: 'ENOENT',
      dockerHost: 'unix:///var/run/docker.sock',
    });
    const line = unreachableError(error).toLine();
    expect(line).not.toMatch(REPOSITORY_ONLY);
    expect(line).toContain('start Docker');
    expect(line).toMatch(/systemctl start docker/);
    expect(line).toMatch(/systemctl --user start podman\.socket/);
    expect(line).toMatch(/DOCKER_HOST/);
    expect(line).toMatch(/docker context/);
  });

  it('a missing image: build it from the Dockerfile `baleen init` writes, or load it', () => {
    const line = imageNotFoundError('my-suite').toLine();
    expect(line).not.toMatch(REPOSITORY_ONLY);
    expect(line).toContain('docker build -t my-suite .');
    expect(line).toContain('baleen init');
  });
});
