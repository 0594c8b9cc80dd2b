/**
 * Turns the first Ctrl-C or SIGTERM into an abort (the run is cancelled and its containers removed), and a
 * second one into an immediate exit for someone who cannot wait; containers left then are removed by label
 * the next time a server starts.
 */
export function abortOnSignals(onForce: () => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) return onForce();
    process.stderr.write('\nbaleen: interrupted; stopping containers (press Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
