import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const run = promisify(execFile);
/** depcruise starts a Node process and parses with swc: seconds, on a busy machine more. */
const CRUISE_MS = 60_000;

/**
 * `npm run lint` checks the layers of src/ with .dependency-cruiser.cjs and no list of known violations. This
 * runs that very check on a small tree that breaks each rule once, beside an arrow that is allowed, so a rule
 * that stopped catching anything (or a baseline that crept back) shows here.
 */
describe('the layer check (.dependency-cruiser.cjs)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  async function cruise(files: Record<string, string>): Promise<{ code: number; output: string }> {
    const dir = await mkdtemp(join(tmpdir(), 'baleen-layers-'));
    dirs.push(dir);
    const tsconfig = { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } };
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const args = ['src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'err'];
    try {
      const { stdout } = await run(depcruise, args, { cwd: dir });
      return { code: 0, output: stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, output: failed.stdout };
    }
  }

  it(
    'fails an arrow back up, an import between peers, a cycle and a folder with no rank; passes an arrow down',
    async () => {
      const { code, output } = await cruise({
        // Up: the domain reaching for the client.
        'src/domain/model.ts': "import { client } from '../client/client.js';\nexport const model = client;\n",
        // Down: the client using the domain and util is what layers are for.
        'src/client/client.ts': "import { tool } from '../util/tool.js';\nexport const client = tool;\n",
        'src/client/uses-domain.ts': "import { model } from '../domain/model.js';\nexport const again = model;\n",
        // Peers: gherkin and cucumber-json share a rank and stay apart.
        'src/gherkin/parse.ts': "import { json } from '../cucumber-json/json.js';\nexport const parse = json;\n",
        'src/cucumber-json/json.ts': 'export const json = 1;\n',
        // A cycle inside one folder, which no rank can catch.
        'src/util/tool.ts': "import { other } from './other.js';\nexport const tool = () => other;\n",
        'src/util/other.ts': "import { tool } from './tool.js';\nexport const other = () => tool;\n",
        // A folder missing from LAYERS.
        'src/nowhere/thing.ts': "import { tool } from '../util/tool.js';\nexport const thing = tool;\n",
      });
      expect(code).not.toBe(0);
      expect(output).toMatch(/layer-domain: src\/domain\/model\.ts → src\/client\/client\.ts/);
      expect(output).toMatch(/layer-gherkin: src\/gherkin\/parse\.ts → src\/cucumber-json\/json\.ts/);
      expect(output).toMatch(/no-circular: src\/util\/(tool|other)\.ts/);
      expect(output).toMatch(/unknown-folder: src\/nowhere\/thing\.ts/);
      expect(output).not.toMatch(/layer-client/);
    },
    CRUISE_MS,
  );

  it(
    'passes a tree whose arrows all point down',
    async () => {
      const { code, output } = await cruise({
        'src/client/client.ts': "import { model } from '../domain/model.js';\nexport const client = model;\n",
        'src/domain/model.ts': "import { tool } from '../util/tool.js';\nexport const model = tool;\n",
        'src/util/tool.ts': 'export const tool = 1;\n',
      });
      expect(output).toMatch(/no dependency violations/);
      expect(code).toBe(0);
    },
    CRUISE_MS,
  );
});
