import type Docker from 'dockerode';
import { statusOf } from '../docker/docker-errors.js';

/**
 * The image reference a swarm service should carry.
 * - Already a digest reference (`name@sha256:…`): as given.
 * - Pushed to a registry (the manager's copy has a repo digest of that repository): `name@sha256:…`, which
 *   every node runs exactly, pulling it if it lacks it.
 * - On a one-node swarm, built or loaded locally: its ID, `sha256:…`. The node's agent then never asks a
 *   registry for it (it does for a name: measured, one failed lookup of registry-1.docker.io per task here).
 *   Only there: a node never pulls an image named by ID, and on more nodes those that got the image another
 *   way (a registry, a `docker load` of another build) would refuse the task.
 * - Otherwise: the name as given, for each node to resolve as Swarm does.
 */
export async function pinnedImage(docker: Docker, image: string, nodeCount: number): Promise<string> {
  if (image.includes('@')) return image;
  let found: Docker.ImageInspectInfo;
  try {
    found = await docker.getImage(image).inspect();
  } catch (error) {
    if (statusOf(error) === 404) return image;
    throw error;
  }
  return repoDigestFor(image, found.RepoDigests ?? []) ?? (nodeCount === 1 ? found.Id : image);
}

/** The repo digest of the image's own repository (`registry/name@sha256:…`), if it was pushed or pulled. */
export function repoDigestFor(image: string, repoDigests: readonly string[]): string | undefined {
  const repository = repositoryOf(image);
  return repoDigests.find((digest) => repositoryOf(digest) === repository);
}

/**
 * `registry:5000/team/runner:12` → `registry:5000/team/runner`: the digest or tag cut, a registry port kept,
 * and Docker Hub's spellings made one (`docker.io/library/alpine` is `alpine`, as the engine reports it).
 */
function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
  return name.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}
