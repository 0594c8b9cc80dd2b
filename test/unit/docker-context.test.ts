import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaleenError } from '../../src/errors/baleen-error.js';
import { resolveEngineTarget } from '../../src/runtime/docker/engine-address.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A Docker CLI config folder laid out as `docker context create` writes it (checked against docker 28). */
function cliConfig(
  options: {
    current?: string;
    contexts?: Record<string, { host: string; skipTlsVerify?: boolean; tls?: boolean }>;
  } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'baleen-docker-config-'));
  made.push(dir);
  if (options.current !== undefined)
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: {}, currentContext: options.current }, null, '\t'));
  for (const [name, context] of Object.entries(options.contexts ?? {})) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(join(dir, 'contexts', 'meta', id), { recursive: true });
    const meta = {
      Name: name,
      Metadata: { Description: '' },
      Endpoints: { docker: { Host: context.host, SkipTLSVerify: context.skipTlsVerify ?? false } },
    };
    writeFileSync(join(dir, 'contexts', 'meta', id, 'meta.json'), JSON.stringify(meta));
    if (context.tls) mkdirSync(join(dir, 'contexts', 'tls', id, 'docker'), { recursive: true });
  }
  return dir;
}

const resolve = (env: Record<string, string>, dockerHost?: string) =>
  resolveEngineTarget({ dockerHost, env: { HOME: '/home/nobody-here', ...env }, socketExists: () => false });

function thrown(make: () => unknown): BaleenError {
  try {
    make();
  } catch (error) {
    if (error instanceof BaleenError) return error;
    throw error;
  }
  throw new Error('expected a BaleenError');
}

describe('Docker CLI contexts pick the engine as for `docker`', () => {
  const colima = { host: 'unix:///home/me/.colima/default/docker.sock' };

  it('the current context in config.json', () => {
    const target = resolve({ DOCKER_CONFIG: cliConfig({ current: 'colima', contexts: { colima } }) });
    expect(target.url).toBe('unix:///home/me/.colima/default/docker.sock');
    expect(target.from).toMatch(/^the Docker context "colima" \(currentContext in .*config\.json\)$/);
  });

  it('DOCKER_CONTEXT over the current context', () => {
    const config = cliConfig({ current: 'colima', contexts: { colima, box: { host: 'ssh://me@box' } } });
    const target = resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'box' });
    expect(target.url).toBe('ssh://me@box');
    expect(target.from).toBe('the Docker context "box" (DOCKER_CONTEXT)');
  });

  it('DOCKER_HOST and --docker-host win over any context', () => {
    const config = cliConfig({ current: 'colima', contexts: { colima } });
    expect(resolve({ DOCKER_CONFIG: config, DOCKER_HOST: 'tcp://10.0.0.1:2375' }).url).toBe('tcp://10.0.0.1:2375');
    expect(resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'colima' }, 'unix:///run/other.sock').url).toBe(
      'unix:///run/other.sock',
    );
  });

  it('"default", or no config at all, is DOCKER_HOST or the local socket', () => {
    expect(resolve({ DOCKER_CONFIG: cliConfig({ current: 'default' }) }).url).toBe('unix:///var/run/docker.sock');
    expect(resolve({ DOCKER_CONFIG: cliConfig() }).url).toBe('unix:///var/run/docker.sock');
    expect(resolve({ DOCKER_CONFIG: cliConfig(), DOCKER_CONTEXT: 'default' }).from).toBe('the default');
  });

  it('a context with TLS files speaks TLS with them; SkipTLSVerify leaves the engine unverified', () => {
    const config = cliConfig({
      contexts: {
        secure: { host: 'tcp://box:2376', tls: true },
        lax: { host: 'tcp://box:2376', tls: true, skipTlsVerify: true },
      },
    });
    const secure = resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'secure' });
    expect(secure.tls).toMatchObject({
      verify: true,
      certPath: join(config, 'contexts', 'tls', createHash('sha256').update('secure').digest('hex'), 'docker'),
    });
    expect(resolve({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'lax' }).tls?.verify).toBe(false);
    // The environment's TLS variables are for DOCKER_HOST's address, not a context's.
    expect(
      resolve({ DOCKER_CONFIG: cliConfig({ contexts: { colima } }), DOCKER_CONTEXT: 'colima', DOCKER_TLS_VERIFY: '1' })
        .tls,
    ).toBeUndefined();
  });

  it('a context that does not exist: a usage error naming it and how to list them', () => {
    const error = thrown(() => resolve({ DOCKER_CONFIG: cliConfig(), DOCKER_CONTEXT: 'gone' }));
    expect(error.exitCode).toBe(2);
    expect(error.toLine()).toMatch(
      /^the Docker context "gone" \(DOCKER_CONTEXT\) does not exist .*: list the contexts with `docker context ls`/,
    );
  });

  it('a config.json that is not JSON: a usage error naming the file', () => {
    const config = cliConfig();
    writeFileSync(join(config, 'config.json'), '{ not json');
    const error = thrown(() => resolve({ DOCKER_CONFIG: config }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(join(config, 'config.json'));
  });

  it('a context whose address is bad is named in the error', () => {
    const config = cliConfig({ current: 'odd', contexts: { odd: { host: 'npipe:////./pipe/docker_engine' } } });
    expect(thrown(() => resolve({ DOCKER_CONFIG: config })).message).toMatch(
      /^npipe:.*, from the Docker context "odd" \(currentContext in .*\), is not a Docker engine address/,
    );
  });
});
