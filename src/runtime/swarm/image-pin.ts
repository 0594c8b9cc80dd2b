import type Docker from 'dockerode';
import { statusOf } from '../docker/docker-errors.js';

/**
 * The image reference a swarm service should carry so that every node runs the very image the manager has:
 * - pushed to a registry (it has a repo digest): `name@sha256:…`, which a node without it pulls exactly;
 * - built or loaded locally (no digest): its ID, `sha256:…`. A node's agent then never asks a registry (it
 *   does for a name: measured, one failed lookup of registry-1.docker.io per task on this machine), and a node
 *   that has another image under the same tag refuses the task instead of running it;
 * - not on the manager at all: the name as given, for the nodes to resolve.
 */
export async function pinnedImage(docker: Docker, image: string): Promise<string> {
  let found: Docker.ImageInspectInfo;
  try {
    found = await docker.getImage(image).inspect();
  } catch (error) {
    if (statusOf(error) === 404) return image;
    throw error;
  }
  return repoDigestFor(image, found.RepoDigests ?? []) ?? found.Id;
}

/** The repo digest of the image's own repository (`registry/name@sha256:…`), if it was pushed or pulled. */
export function repoDigestFor(image: string, repoDigests: readonly string[]): string | undefined {
  const repository = repositoryOf(image);
  return repoDigests.find((digest) => repositoryOf(digest) === repository);
}

/** `registry:5000/team/runner:12` → `registry:5000/team/runner`; a digest or tag is cut, a registry port kept. */
function repositoryOf(reference: string): string {
  const withoutDigest = reference.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
}
