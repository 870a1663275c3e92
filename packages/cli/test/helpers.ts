// Test helpers: run the built `glyphlm` (dist/bin.js) as a real child process, with the glyph-matrix cache in a
// folder of the package (test-output/, gitignored) so the first run builds it and later runs read it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PKG = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(PKG, 'dist', 'bin.js');
export const OUT = join(PKG, 'test-output');
export const CACHE = join(OUT, 'cache');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function requireBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm --filter @glyphlm/cli build first`);
  mkdirSync(CACHE, { recursive: true });
}

export function spawnGlyphlm(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess {
  requireBuilt();
  return spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? OUT,
    env: { ...process.env, GLYPHLM_CACHE: CACHE, CI: 'true', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs glyphlm to completion. */
export function runGlyphlm(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnGlyphlm(args, opts);
    let stdout = '', stderr = '';
    child.stdout!.on('data', (d) => { stdout += d; });
    child.stderr!.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`glyphlm ${args.join(' ')} timed out\n${stderr}`)); }, opts.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}
