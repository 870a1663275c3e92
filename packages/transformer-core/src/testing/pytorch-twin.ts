// Test helper: drives the PyTorch twin (interop/python/twin.py) with /usr/bin/python3 (or $GLYPHLM_PYTHON)
// and compares arrays. Node-only; used by src/interop.test.ts, never by the library.
/// <reference types="node" />
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNpy, toNpy } from '@glyphlm/tensor-io';

export const PYTHON = process.env.GLYPHLM_PYTHON ?? '/usr/bin/python3';
export const INTEROP_DIR = resolve(import.meta.dirname, '../../../../interop/python');
const TWIN = join(INTEROP_DIR, 'twin.py');
const ENV = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };

/** Why the twin cannot run here, or undefined when /usr/bin/python3 has torch and numpy. */
export function twinUnavailable(): string | undefined {
  const r = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8', env: ENV });
  if (r.error) return `${PYTHON} not runnable (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch and numpy (${r.stderr.trim().split('\n').pop()})`;
  return undefined;
}

/** Runs twin.py with one argv, or several in one process (`batch`). Returns stdout. */
export function twin(jobs: string[][], tmp: string): string {
  const file = join(tmp, `jobs-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}.json`);
  writeFileSync(file, JSON.stringify(jobs));
  try {
    return execFileSync(PYTHON, [TWIN, 'batch', file], { encoding: 'utf8', env: ENV, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`twin.py failed: ${err.message}\n${err.stderr ?? ''}\n${err.stdout ?? ''}`);
  }
}

/** Runs the twin's unit tests (python3 -m unittest <modules>) and returns the combined output. */
export function pythonUnittest(modules: string[], env: Record<string, string> = {}): { ok: boolean; output: string } {
  const r = spawnSync(PYTHON, ['-m', 'unittest', ...modules], { cwd: INTEROP_DIR, encoding: 'utf8', env: { ...ENV, ...env }, timeout: 300_000 });
  return { ok: r.status === 0, output: `${r.stdout}\n${r.stderr}` };
}

/** Continues training a checkpoint with torchrun (2 processes, gloo, CPU) through train_fsdp.py. Returns stdout. */
export function torchrunTrain(args: string[]): string {
  const r = spawnSync(PYTHON, [join(INTEROP_DIR, 'torchrun_compat.py'), '--standalone', '--nproc_per_node=2',
    join(INTEROP_DIR, 'train_fsdp.py'), '--backend', 'gloo', ...args], { encoding: 'utf8', env: { ...ENV, OMP_NUM_THREADS: '1' }, timeout: 300_000 });
  if (r.status !== 0) throw new Error(`torchrun train_fsdp.py failed (${r.status ?? r.error}):\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return r.stdout;
}

export function writeIds(path: string, rows: number[][]): void {
  const B = rows.length;
  const T = rows[0].length;
  writeFileSync(path, toNpy(Int32Array.from(rows.flat()), [B, T]));
}

export function readFloat32Npy(path: string): { shape: readonly number[]; data: Float32Array } {
  const v = readNpy(new Uint8Array(readFileSync(path)), { source: path });
  return { shape: v.shape, data: v.toFloat32() };
}

export interface Diff {
  /** max |a - b| */
  maxAbs: number;
  /** max |a - b| / max |b| */
  relToMax: number;
  /** max |a - b| / (|b| + 1e-3 max|b|), elementwise */
  maxElemRel: number;
}

export function diff(a: ArrayLike<number>, b: ArrayLike<number>): Diff {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let maxElemRel = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : d;
    maxElemRel = Math.max(maxElemRel, d / (Math.abs(b[i]) + 1e-3 * scale));
  }
  return { maxAbs, relToMax: maxAbs / (scale || 1), maxElemRel };
}
