import type { ContainerRuntime } from '../../runtime/container-runtime.js';

/** An engine that has not answered by then is down, as far as an orchestrator's probe is concerned. */
const ENGINE_PROBE_MS = 5_000;

export type Health =
  | { status: 200; body: { status: 'ok'; engine: { reachable: true; version: string } } }
  | { status: 503; body: { status: 'unavailable'; engine: { reachable: false } } };

/** `GET /health`: the engine's reachability and version, and nothing else (it is unauthenticated). */
export async function checkHealth(runtime: ContainerRuntime): Promise<Health> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('engine probe timed out')), ENGINE_PROBE_MS);
  });
  try {
    const version = await Promise.race([runtime.engineVersion(), timeout]);
    return { status: 200, body: { status: 'ok', engine: { reachable: true, version } } };
  } catch {
    return { status: 503, body: { status: 'unavailable', engine: { reachable: false } } };
  } finally {
    clearTimeout(timer);
  }
}
