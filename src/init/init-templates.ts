import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The files `baleen init` writes, kept as files (templates/init/, shipped in the npm package) so that they read
 * as what they are: a Dockerfile, YAML. Placeholders are `__NAME__`, which no Dockerfile or CI syntax uses
 * (GitHub's `${{ … }}` must pass through untouched).
 */
const TEMPLATE_DIR = fileURLToPath(new URL('../../templates/init/', import.meta.url));

export interface InitSettings {
  /** The runner image's name, as the image build and baleen.yml's `image` give it. */
  image: string;
  /** Where the feature files are, as baleen.yml's `files` lists them. */
  files: string[];
  /** How many CI jobs share the suite. */
  shards: number;
}

export interface RenderedFile {
  /** Relative to the project, with `/`. */
  path: string;
  text: string;
}

export async function renderTemplates(settings: InitSettings): Promise<RenderedFile[]> {
  const entries = await readdir(TEMPLATE_DIR, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(TEMPLATE_DIR.length).replaceAll('\\', '/'))
    .sort();
  return Promise.all(
    paths.map(async (path) => ({ path, text: fill(await readFile(join(TEMPLATE_DIR, path), 'utf8'), settings, path) })),
  );
}

function fill(template: string, settings: InitSettings, path: string): string {
  const values: Record<string, string> = {
    IMAGE: settings.image,
    FILES: settings.files.join(', '),
    SHARDS: String(settings.shards),
    SHARD_LIST: Array.from({ length: settings.shards }, (_, i) => i + 1).join(', '),
  };
  return template.replace(/__([A-Z_]+)__/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`templates/init/${path}: unknown placeholder ${whole}`);
    return value;
  });
}
