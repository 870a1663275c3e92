#!/usr/bin/env node
// The `glyphlm` executable: runs the command tree and exits with its code (0 ok, 1 failure, 2 bad input).
import { runCli } from './cli/program.js';

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Leftover handles (a worker thread of a library) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref();
