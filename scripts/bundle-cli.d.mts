import type { BuildOptions } from 'esbuild';

/** esbuild's options for the CLI's bundle of the repository at `root` (dist/bundle/). */
export function bundleOptions(root: string): BuildOptions & { outdir: string };
