import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillCommand } from '../../src/attempt/feature-script.js';
import { createReportChannel } from '../../src/attempt/report-channel.js';
import { localHashes } from '../../src/config/local-hashes.js';
import { onlyGivenArgument, takesPlugins } from '../../src/cucumber-cli/only-given.js';
import type { ImageProbe } from '../../src/domain/image-probe.js';
import { DEFAULT_COMMAND, RunSpecSchema, type RunSpec } from '../../src/domain/run-spec.js';
import { BaleenError } from '../../src/errors/baleen-error.js';
import { applyProbe } from '../../src/probe/apply-probe.js';
import { PROBE_PROGRAM_ENV, probeScript } from '../../src/probe/probe-script.js';

const FEATURES = ['features/a.feature', 'features/b.feature'];
const hash = (text: string) => createHash('sha256').update(text).digest('hex');

const specOf = (fields: Partial<RunSpec> = {}): RunSpec =>
  RunSpecSchema.parse({
    image: 'img',
    features: FEATURES,
    concurrency: 2,
    expectedScenarioLines: { 'features/a.feature': [3, 7, 11], 'features/b.feature': [2] },
    ...fields,
  });

const probeOf = (fields: Partial<ImageProbe> = {}): ImageProbe => ({
  cucumber: '12.9.0',
  configFile: 'cucumber.js',
  profiles: [],
  configPaths: [],
  configFeatures: [],
  tags: '',
  strict: true,
  features: { 'features/a.feature': { lines: [3, 7, 11] }, 'features/b.feature': { lines: [2] } },
  hashes: {},
  ...fields,
});

const probed = (probe: ImageProbe) => ({ kind: 'probed' as const, probe, ms: 5 });

/** The arguments the suite's command hands cucumber-js, as the probe would get them (a stand-in program prints them). */
function probeArguments(command: string, tags?: string): string[] | undefined {
  const prepared = probeScript(
    specOf({ command, ...(tags === undefined ? {} : { tags }) }),
    'n0nce',
    createReportChannel('n0nce', 64, 'before'),
  );
  if (!prepared.ok) return undefined;
  const out = execFileSync('sh', ['-c', prepared.script], {
    encoding: 'utf8',
    env: { ...process.env, [PROBE_PROGRAM_ENV]: 'console.log(JSON.stringify(process.argv.slice(1)))' },
  });
  return JSON.parse(out) as string[];
}

describe('the probe takes the place of cucumber-js in the suite’s own command', () => {
  it.each([
    [DEFAULT_COMMAND, ['--format', 'json:/tmp/baleen/cucumber-report.json']],
    [
      'npx cucumber-js -p ci {file} --format json:{report}',
      ['-p', 'ci', '--format', 'json:/tmp/baleen/cucumber-report.json'],
    ],
    ['cd . && ./node_modules/.bin/cucumber-js {files} --no-strict', ['--no-strict']],
    ['yarn cucumber-js --config cucumber-js.json {file}', ['--config', 'cucumber-js.json']],
    ['node node_modules/.bin/cucumber-js {file} --profile "smoke tests"', ['--profile', 'smoke tests']],
    ['env CI=1 cucumber-js {file} -p ci', ['-p', 'ci']],
  ])('%s: the same arguments, no feature path', (command, argv) => {
    expect(probeArguments(command)).toEqual(argv);
  });

  it('hands on --tags as the command would', () => {
    expect(probeArguments(DEFAULT_COMMAND, "@a and not @b's")).toEqual([
      '--tags',
      "@a and not @b's",
      '--format',
      'json:/tmp/baleen/cucumber-report.json',
    ]);
  });

  it('stops after the probe: the rest of the command does not run', () => {
    expect(probeArguments('cucumber-js {file}; echo "[\\"ran on\\"]"')).toEqual([]);
  });

  it('does not probe a command that runs no cucumber-js (it might run the suite)', () => {
    expect(
      probeScript(
        specOf({ command: 'npm test -- {file} --format json:{report}' }),
        'n',
        createReportChannel('n', 64, 'before'),
      ),
    ).toEqual({
      ok: false,
      reason: 'its --command runs no cucumber-js',
    });
  });
});

describe('applyProbe', () => {
  it('without an answer, keeps the run as the client made it and says why', () => {
    const spec = specOf();
    const findings = applyProbe(spec, { kind: 'unprobed', reason: 'it exited with code 127: node: not found', ms: 1 });
    expect(findings.spec).toBe(spec);
    expect(findings.stale).toEqual([]);
    expect(findings.notes).toEqual([
      expect.stringMatching(
        /^the image was not asked what cucumber-js will run \(it exited with code 127: node: not found\)/,
      ),
    ]);
  });

  it('expects of each feature the scenarios cucumber-js with the suite’s config would run, never one it leaves out', () => {
    const findings = applyProbe(
      specOf(),
      probed(probeOf({ features: { 'features/a.feature': { lines: [3, 7] }, 'features/b.feature': { lines: [2] } } })),
    );
    expect(findings.spec.expectedScenarioLines).toEqual({ 'features/a.feature': [3, 7], 'features/b.feature': [2] });
    expect(findings.spec.onlyGivenFiles).toBe(false);
    expect(findings.spec.strict).toBe(true);
  });

  it('keeps to the scenarios the client selected (--last-failed under --split scenarios sends only their lines)', () => {
    const findings = applyProbe(
      specOf({ expectedScenarioLines: { 'features/a.feature': [7, 11], 'features/b.feature': [2] } }),
      probed(probeOf({ features: { 'features/a.feature': { lines: [3, 7] }, 'features/b.feature': { lines: [2] } } })),
    );
    // 3 was not selected; 11 is left out by the suite's config.
    expect(findings.spec.expectedScenarioLines).toEqual({ 'features/a.feature': [7], 'features/b.feature': [2] });
  });

  it('takes the strict mode the suite’s config or command sets (--no-strict)', () => {
    expect(applyProbe(specOf(), probed(probeOf({ strict: false }))).spec.strict).toBe(false);
  });

  it('keeps the client’s lines for a feature whose image copy does not parse (the container says why)', () => {
    const findings = applyProbe(
      specOf(),
      probed(probeOf({ features: { 'features/a.feature': { lines: [], parseError: '(3:1): expected …' } } })),
    );
    expect(findings.spec.expectedScenarioLines['features/a.feature']).toEqual([3, 7, 11]);
  });

  describe('a config whose paths name the suite', () => {
    const widening = probeOf({ configPaths: ['features/**/*.feature'], configFeatures: FEATURES });

    it('keeps each container of the default command to its files with {only}', () => {
      expect(applyProbe(specOf(), probed(widening)).spec.onlyGivenFiles).toBe(true);
    });

    it('needs nothing of a warm worker, which hands cucumber-js its paths itself', () => {
      expect(applyProbe(specOf({ isolation: 'worker' }), probed(widening)).spec.onlyGivenFiles).toBe(false);
    });

    it('needs nothing when the one feature of the run is all the config names', () => {
      const one = specOf({ features: ['features/a.feature'] });
      const alone = probeOf({ configPaths: ['features/a.feature'], configFeatures: ['features/a.feature'] });
      expect(applyProbe(one, probed(alone)).spec.onlyGivenFiles).toBe(false);
    });

    it('refuses a --command without {only}, naming the paths and the fix', () => {
      const run = () => applyProbe(specOf({ command: 'cucumber-js {file} --format json:{report}' }), probed(widening));
      expect(run).toThrow(BaleenError);
      expect(run).toThrow(
        "the suite's cucumber.js sets paths features/**/*.feature, which cucumber-js 12.9.0 runs beside the file baleen hands each container: every container would run 2 features",
      );
      try {
        run();
      } catch (error) {
        expect((error as BaleenError).code).toBe('USAGE');
        expect((error as BaleenError).hint).toMatch(/put \{only\} after \{file\} in --command/);
      }
    });

    it('refuses a cucumber-js older than its plugins, saying to upgrade or take the paths out', () => {
      try {
        applyProbe(specOf(), probed({ ...widening, cucumber: '11.3.0', profiles: ['ci'] }));
        expect.unreachable();
      } catch (error) {
        expect((error as BaleenError).message).toMatch(/cucumber\.js \(profile ci\) sets paths/);
        expect((error as BaleenError).hint).toMatch(/upgrade @cucumber\/cucumber to 12\.5 or later/);
      }
    });
  });

  describe('a stale image', () => {
    const local = {
      'features/a.feature': hash('a'),
      'features/b.feature': hash('b'),
      'features/steps.js': hash('steps'),
    };

    it('settles a feature whose image copy differs as an error saying to rebuild, and runs the others', () => {
      const findings = applyProbe(
        specOf({ localHashes: local }),
        probed(probeOf({ hashes: { ...local, 'features/a.feature': hash('old a') } })),
      );
      expect(findings.stale).toEqual([
        {
          file: 'features/a.feature',
          error:
            "the image's copy of features/a.feature differs from the local file: rebuild the image (it holds an older copy of the suite)",
        },
      ]);
      expect(findings.spec.features).toEqual(['features/b.feature']);
    });

    it('settles every feature when the code they all run differs', () => {
      const findings = applyProbe(
        specOf({ localHashes: local }),
        probed(probeOf({ hashes: { ...local, 'features/steps.js': hash('old steps') } })),
      );
      expect(findings.stale.map((entry) => entry.file)).toEqual(FEATURES);
      expect(findings.stale[0]?.error).toMatch(
        /^the image's copy of features\/steps\.js, which every feature runs, differs from the local file: rebuild the image/,
      );
      expect(findings.spec.features).toEqual([]);
    });

    it('names a feature the image does not have', () => {
      const { 'features/b.feature': _missing, ...inImage } = local;
      const findings = applyProbe(specOf({ localHashes: local }), probed(probeOf({ hashes: inImage })));
      expect(findings.stale).toEqual([
        {
          file: 'features/b.feature',
          error: 'the image has no features/b.feature: rebuild the image (it holds an older copy of the suite)',
        },
      ]);
    });

    it('says where the image looked for it, when the probe says its working directory', () => {
      const { 'features/b.feature': _missing, ...inImage } = local;
      const findings = applyProbe(specOf({ localHashes: local }), probed(probeOf({ hashes: inImage, cwd: '/suite' })));
      expect(findings.stale[0]?.error).toBe(
        'the image has no /suite/features/b.feature (features/b.feature under the working directory /suite): run baleen from the folder the image holds as /suite, so that --files names the same paths in both, or build the image with it',
      );
    });

    it('compares nothing without the client’s hashes, and only what both sides hashed', () => {
      const old = probeOf({ hashes: { 'features/a.feature': hash('old a'), 'lib/helper.js': hash('x') } });
      expect(applyProbe(specOf(), probed(old)).stale).toEqual([]);
      const onlyImage = probeOf({ hashes: { ...local, 'dist/built.js': hash('built') } });
      expect(applyProbe(specOf({ localHashes: local }), probed(onlyImage)).stale).toEqual([]);
    });
  });
});

describe('{only}', () => {
  it('is the plugin that keeps cucumber-js to the given files, or nothing', () => {
    expect(fillCommand('cucumber-js {file}{only}', { files: ['a.feature'], report: '/r' })).toBe(
      'cucumber-js ./a.feature',
    );
    expect(fillCommand('cucumber-js {file}{only}', { files: ['a.feature'], report: '/r', only: true })).toBe(
      `cucumber-js ./a.feature${onlyGivenArgument(['a.feature'])}`,
    );
  });

  it('drops every pickle of another file than those given, wherever the working directory is', async () => {
    const argument = onlyGivenArgument(['./features/a b.feature', 'features/c.feature']);
    const url = execFileSync('sh', ['-c', `printf '%s' ${argument.replace(' --plugin ', '')}`], { encoding: 'utf8' });
    const plugin = ((await import(url)) as { default: PluginLike }).default;
    let filter: ((pickles: { pickle: { uri: string } }[]) => { pickle: { uri: string } }[]) | undefined;
    plugin.coordinator({ transform: (_event, given) => (filter = given), environment: { cwd: '/suite' } });
    const pickles = ['features/a b.feature', 'features/b.feature', 'features/c.feature'].map((uri) => ({
      pickle: { uri },
    }));
    expect(filter!(pickles).map(({ pickle }) => pickle.uri)).toEqual(['features/a b.feature', 'features/c.feature']);
  });

  it('needs cucumber-js 12.5 or later', () => {
    expect([takesPlugins('12.5.0'), takesPlugins('13.0.1'), takesPlugins('12.4.9'), takesPlugins('9.1.2')]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
});

interface PluginLike {
  type: string;
  coordinator(context: {
    transform: (
      event: string,
      transformer: (pickles: { pickle: { uri: string } }[]) => { pickle: { uri: string } }[],
    ) => void;
    environment: { cwd: string };
  }): void;
}

describe('localHashes', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baleen-hashes-'));
    const files: Record<string, string> = {
      'features/a.feature': 'Feature: A',
      'features/support/steps.ts': 'steps',
      'cucumber.js': 'module.exports = {}',
      'cucumber.yaml': 'default: {}',
      'src/pages/home.mjs': 'home',
      'node_modules/x/index.js': 'dependency',
      '.cache/y.js': 'hidden',
      'report/index.js': 'a report',
      'README.md': 'not code',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('hashes the features and the code and config beside them, not dependencies, dot folders or the report', async () => {
    expect(await localHashes(['features/a.feature'], dir, { reportDir: 'report' })).toEqual({
      'features/a.feature': hash('Feature: A'),
      'features/support/steps.ts': hash('steps'),
      'cucumber.js': hash('module.exports = {}'),
      'cucumber.yaml': hash('default: {}'),
      'src/pages/home.mjs': hash('home'),
    });
  });
});
