/**
 * An image reference, read with the grammar of the distribution project's `reference` package
 * (reference/regexp.go), which container engines use:
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [ domain "/" ] path-component ( "/" path-component )*     (at most 255 characters)
 *   domain           := host [ ":" port ]
 *   host             := domain-component ( "." domain-component )* | "[" ipv6 "]"
 *   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component   := [a-z0-9]+ ( separator [a-z0-9]+ )*
 *   separator        := [._] | "__" | "-"+
 *   tag              := [\w][\w.-]{0,127}
 *   digest           := algorithm ":" hex{32,}
 *
 * plus an image ID (64 hex digits, bare or after `sha256:`). Anything else (`..`, `a/../b`, upper case, a
 * path) is not an image and never reaches the engine, whose API would take it as part of a URL path.
 * Written out here rather than taken from an npm package: the one port on npm keeps the old separator
 * `[-]*`, whose nested repetition takes quadratic time on a name of many dashes, and a server parses every
 * client's image.
 */
import { z } from 'zod';

const pathComponent = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domain = `${host}(?::[0-9]+)?`;
const tag = '[\\w][\\w.-]{0,127}';
const digest = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^((?:${domain}/)?${pathComponent}(?:/${pathComponent})*)(?::(${tag}))?(?:@(${digest}))?$`,
);
const IMAGE_ID = /^(?:sha256:)?[a-f0-9]{64}$/;

const NAME_MAX_LENGTH = 255;
const REFERENCE_MAX_LENGTH = 512;
const DEFAULT_DOMAIN = 'docker.io';
const OFFICIAL_REPOSITORY = 'library';

export interface ImageReference {
  /** The fully qualified repository: `docker.io/library/ubuntu`, `registry.example:5000/ci/suite`. */
  readonly name: string;
  /** The name as engines list their images: `ubuntu`, `someone/suite`, `registry.example:5000/ci/suite`. */
  readonly familiarName: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type ParsedImage =
  | { ok: true; reference: ImageReference }
  | { ok: true; imageId: string }
  | { ok: false; reason: string };

/** What a valid reference looks like, for error messages. */
export const IMAGE_REFERENCE_FORM =
  'an image reference: a lowercase name of path components, an optional registry host before them, then an optional :tag and @digest (baleen-example, registry.example:5000/ci/suite:1.2)';

export function parseImageReference(text: string): ParsedImage {
  if (text.length > REFERENCE_MAX_LENGTH)
    return { ok: false, reason: `longer than ${REFERENCE_MAX_LENGTH} characters` };
  if (IMAGE_ID.test(text)) return { ok: true, imageId: text };
  const match = REFERENCE.exec(text);
  if (!match) {
    return {
      ok: false,
      reason: REFERENCE.test(text.toLowerCase()) ? 'the repository name must be lowercase' : 'not an image reference',
    };
  }
  const [, written = '', tagPart, digestPart] = match;
  if (written.length > NAME_MAX_LENGTH)
    return { ok: false, reason: `the repository name is longer than ${NAME_MAX_LENGTH} characters` };
  const { registry, path } = splitRegistry(written);
  if (registry === DEFAULT_DOMAIN && /^[a-f0-9]{64}$/.test(path))
    return { ok: false, reason: 'a repository name cannot be 64 hex digits (that is an image ID)' };
  const name = `${registry}/${path}`;
  return {
    ok: true,
    reference: {
      name,
      familiarName: familiar(registry, path),
      ...(tagPart ? { tag: tagPart } : {}),
      ...(digestPart ? { digest: digestPart } : {}),
    },
  };
}

/** As the engine: the first component is a registry only if it has a `.` or a `:` or is `localhost`. */
function splitRegistry(written: string): { registry: string; path: string } {
  const slash = written.indexOf('/');
  const first = written.slice(0, slash);
  if (slash === -1 || !(first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: DEFAULT_DOMAIN, path: slash === -1 ? `${OFFICIAL_REPOSITORY}/${written}` : written };
  }
  const registry = first === 'index.docker.io' ? DEFAULT_DOMAIN : first;
  const path = written.slice(slash + 1);
  return {
    registry,
    path: registry === DEFAULT_DOMAIN && !path.includes('/') ? `${OFFICIAL_REPOSITORY}/${path}` : path,
  };
}

function familiar(registry: string, path: string): string {
  if (registry !== DEFAULT_DOMAIN) return `${registry}/${path}`;
  return path.startsWith(`${OFFICIAL_REPOSITORY}/`) ? path.slice(OFFICIAL_REPOSITORY.length + 1) : path;
}

/** The image as an image reference; what is not one never reaches the engine. */
export const ImageSchema = z.string().superRefine((image, context) => {
  const parsed = parseImageReference(image);
  if (!parsed.ok)
    context.addIssue({
      code: 'custom',
      message: `"${image.slice(0, 80)}" is ${parsed.reason}; expected ${IMAGE_REFERENCE_FORM}`,
    });
});
