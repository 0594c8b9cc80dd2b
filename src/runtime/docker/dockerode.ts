import { createRequire, Module } from 'node:module';
import type Docker from 'dockerode';

/**
 * dockerode, loaded without the parts baleen never calls. At load time dockerode requires its BuildKit
 * session helper (lib/session.js: @grpc/grpc-js, @grpc/proto-loader, protobufjs) and tar-fs (for image
 * builds; with tar-stream and its streams), and docker-modem its ssh agent (lib/ssh.js: ssh2): together
 * about a third of the CPU a run spent loading modules before its first container could be created
 * (measured with node --cpu-prof). baleen builds no images and brings its own ssh transport
 * (ssh-transport.ts), so those modules are put in Node's require cache first, as stand-ins whose functions
 * load the real module on their first call: should a later dockerode call one, it still works.
 */
const require = createRequire(import.meta.url);
// tar-fs and docker-modem as dockerode resolves them (they may be nested under it).
const dockerodeRequire = createRequire(require.resolve('dockerode'));

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Each deferred module: its path, and the names of its exported functions (none: it exports one function). */
export const DEFERRED_MODULES: ReadonlyArray<{ path: string; functions?: readonly string[] }> = [
  { path: require.resolve('dockerode/lib/session.js') },
  { path: dockerodeRequire.resolve('docker-modem/lib/ssh.js') },
  { path: dockerodeRequire.resolve('tar-fs'), functions: ['pack', 'extract'] },
];

function deferUntilCalled(path: string, functions: readonly string[] | undefined): void {
  if (require.cache[path]) return; // already loaded: nothing to save
  let real: unknown;
  const load = (): unknown => {
    if (real === undefined) {
      delete require.cache[path];
      real = require(path);
    }
    return real;
  };
  const forward = (name?: string): AnyFunction =>
    function deferred(this: unknown, ...args: unknown[]): unknown {
      const module = load() as Record<string, AnyFunction> & AnyFunction;
      return name === undefined ? module.apply(this, args) : module[name]!.apply(this, args);
    };
  const stub = new Module(path);
  stub.filename = path;
  stub.loaded = true;
  stub.exports =
    functions === undefined ? forward() : Object.fromEntries(functions.map((name) => [name, forward(name)]));
  require.cache[path] = stub;
}

for (const { path, functions } of DEFERRED_MODULES) deferUntilCalled(path, functions);

export const Dockerode = require('dockerode') as typeof Docker;
