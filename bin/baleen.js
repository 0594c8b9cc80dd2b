#!/usr/bin/env node
// The bundled CLI (scripts/bundle-cli.mjs): a few files to load instead of a module per source file.
import { main } from '../dist/bundle/main.js';

const code = await main(process.argv);
process.exitCode = code;
// Everything baleen opened is closed by now; should a library still hold the event loop open, do not let
// it turn a finished run into a hung CI job.
setTimeout(() => process.exit(code), 5000).unref();
