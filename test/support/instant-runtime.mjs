// A container runtime with no engine behind it, for measuring baleen's own cost (bench/dispatcher.mjs) and its
// server's responsiveness under a huge run (test/e2e/server-scale.test.ts). Plain JavaScript on the built
// dist/, so that it runs as a separate process with production dependencies, like a real server.

/** Containers that exit 0 after `runsForMs` (at the next turn of the event loop when undefined). */
export function instantRuntime(runsForMs) {
  const later = (run) => (runsForMs === undefined ? setImmediate(run) : setTimeout(run, runsForMs));
  return {
    traits: {
      kind: 'instant',
      summary: 'no engine at all',
      unit: 'container',
      stdin: false,
      builds: false,
      networks: { create: (name) => `instant network create ${name}` },
      build: (image) => `instant build ${image}`,
    },
    async ping() {},
    async checkImage() {},
    async listByLabels() {
      return [];
    },
    async removeById() {},
    // Runs get networks of their own; here they cost nothing, as the containers do.
    networks: {
      async createNetwork() {},
      async removeNetwork() {},
      async networkExists() {
        return true;
      },
      async listNetworksByLabels() {
        return [];
      },
    },
    async create() {
      return {
        id: 'instant',
        async attach(sinks) {
          let exit;
          const exited = new Promise((resolve) => (exit = resolve));
          return {
            exited,
            async start() {
              later(() => {
                sinks.end?.();
                exit({ exitCode: 0, oomKilled: false });
              });
            },
          };
        },
        async readFile() {
          return Buffer.from('[]');
        },
        async stop() {},
        async remove() {},
      };
    },
  };
}
