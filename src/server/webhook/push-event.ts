import { z } from 'zod';

/** The parts of GitHub's `push` payload a run needs; the rest is GitHub's business. */
export const PushEventSchema = z.object({
  ref: z.string().min(1),
  /** The commit the branch points at after the push (all zeros when the branch was deleted). */
  after: z.string().regex(/^[0-9a-f]{40}$/, 'a commit id of 40 hex digits'),
  repository: z.object({
    clone_url: z.string().optional(),
    ssh_url: z.string().optional(),
    git_url: z.string().optional(),
    html_url: z.string().optional(),
    url: z.string().optional(),
  }),
});
export type PushEvent = z.infer<typeof PushEventSchema>;

const DELETED = /^0{40}$/;

/** The branch a push moved, or undefined for a tag or a deleted branch (nothing to run). */
export function pushedBranch(event: PushEvent): string | undefined {
  if (DELETED.test(event.after) || !event.ref.startsWith('refs/heads/')) return undefined;
  return event.ref.slice('refs/heads/'.length);
}

/** Every address the payload gives for its repository, any of which a project's `repository` may be. */
export function repositoryAddresses(event: PushEvent): string[] {
  const { clone_url, ssh_url, git_url, html_url, url } = event.repository;
  return [clone_url, ssh_url, git_url, html_url, url]
    .filter((address): address is string => address !== undefined)
    .map(sameRepository);
}

/** One spelling of a repository address: no trailing `.git` or slash, host in lower case. */
export function sameRepository(address: string): string {
  const trimmed = address
    .trim()
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
  return URL.canParse(trimmed)
    ? trimmed.replace(
        /^([a-z+]+:\/\/)([^/]*)/i,
        (_all, scheme: string, host: string) => `${scheme.toLowerCase()}${host.toLowerCase()}`,
      )
    : trimmed;
}
