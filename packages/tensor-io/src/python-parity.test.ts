// Parity with Python: files written here are read by an independent Python reader (interop/python/
// safetensors_lite.py) and torch, files written there are read here, .npy bytes equal numpy's, and the F16/BF16
// conversions equal torch's bit for bit. Skips when /usr/bin/python3 lacks numpy + torch (CI installs them).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bfloat16ToFloat32, float32ToBFloat16, float32ToFloat16, readNpy, readSafetensors, toNpy, writeSafetensors,
} from './index.js';
import { randomSet, rng } from '../test/helpers.js';

const PY = process.env.GLYPHLM_PYTHON ?? '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '../../../interop/python/tensorio_check.py');
const probe = spawnSync(PY, ['-c', 'import numpy, torch'], { encoding: 'utf8' });
const hasPy = probe.status === 0;
if (!hasPy) console.warn(`python-parity: skipped, ${PY} cannot import numpy and torch (${probe.stderr?.trim() || probe.error})`);

let tmp = '';
const py = (...args: string[]) => execFileSync(PY, [SCRIPT, ...args],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });

interface Manifest { metadata?: Record<string, string>; tensors: Record<string, { dtype?: string; shape?: number[]; npy: string }> }

describe.skipIf(!hasPy)('parity with Python (numpy, torch)', { timeout: 60_000 }, () => {
  beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'tensor-io-py-')); });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  it('TS-written files of every torch dtype read identically in Python; numpy .npy bytes equal toNpy bytes', () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
    const files = seeds.map((seed) => {
      const dir = join(tmp, `ts${seed}`);
      mkdirSync(dir);
      const bytes = writeSafetensors(randomSet(rng(seed), 10), { seed: String(seed), 'é': 'ü' });
      writeFileSync(join(dir, 'a.safetensors'), bytes);
      return { seed, dir, bytes };
    });
    py('describe', ...files.flatMap((f) => [join(f.dir, 'a.safetensors'), f.dir]));
    for (const { seed, dir, bytes } of files) {
      const man = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      expect(man.metadata).toEqual({ seed: String(seed), 'é': 'ü' });
      const mine = readSafetensors(bytes).tensors;
      expect(Object.keys(man.tensors).sort()).toEqual([...mine.keys()].sort());
      for (const [name, m] of Object.entries(man.tensors)) {
        const v = mine.get(name)!;
        const npyBytes = new Uint8Array(readFileSync(join(dir, m.npy)));
        const fromPy = readNpy(npyBytes, { source: m.npy });
        expect(m.dtype).toBe(v.dtype);
        expect(fromPy.shape).toEqual(v.shape);
        if (v.dtype === 'BF16') {
          expect(fromPy.toFloat32()).toEqual(v.toFloat32()); // torch's bf16 -> f32 equals ours
        } else {
          expect(fromPy.bytes).toEqual(v.bytes);
          expect(toNpy(v.toTypedArray(), v.shape, v.dtype)).toEqual(npyBytes); // byte-identical to np.save
        }
      }
    }
  });

  it('Python-written files (a different tensor order, every dtype, empty and scalar tensors) read here', () => {
    const seeds = Array.from({ length: 12 }, (_, i) => i + 1);
    for (const seed of seeds) mkdirSync(join(tmp, `py${seed}`));
    py('make', ...seeds.flatMap((seed) => [String(seed), join(tmp, `py${seed}`, 'p.safetensors'), join(tmp, `py${seed}`)]));
    for (const seed of seeds) {
      const dir = join(tmp, `py${seed}`);
      const file = join(dir, 'p.safetensors');
      const f = readSafetensors(new Uint8Array(readFileSync(file)), { source: file });
      expect(f.metadata).toEqual({ seed: String(seed), writer: 'safetensors_lite.py' });
      const man = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      expect(f.tensors.size).toBe(12);
      for (const [name, m] of Object.entries(man.tensors)) {
        const v = f.tensors.get(name);
        expect(v, name).toBeDefined();
        const ref = readNpy(new Uint8Array(readFileSync(join(dir, m.npy))));
        expect(v!.shape).toEqual(ref.shape);
        if (v!.dtype === 'BF16') expect(v!.toFloat32()).toEqual(ref.toFloat32());
        else { expect(v!.dtype).toBe(ref.dtype); expect(v!.bytes).toEqual(ref.bytes); }
      }
    }
  });

  it('float32 -> F16 / BF16 equals torch bit for bit on 100,000 values (ties, subnormals, overflow, Inf, NaN)', () => {
    const r = rng(5);
    const n = 100_000;
    const bits = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const k = i % 4;
      if (k === 0) bits[i] = Math.floor(r() * 2 ** 32); // anything, NaNs included
      else if (k === 1) bits[i] = ((Math.floor(r() * 2 ** 19) << 13) | 0x1000) >>> 0; // exact F16 ties
      else if (k === 2) bits[i] = ((Math.floor(r() * 2 ** 16) << 16) | 0x8000) >>> 0; // exact BF16 ties
      else bits[i] = ((r() < 0.5 ? 0x80000000 : 0) | ((96 + Math.floor(r() * 48)) << 23) | Math.floor(r() * 2 ** 23)) >>> 0; // near the F16 range
    }
    bits.set([0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x477fefff, 0x477ff000, 0x33000000, 0x33000001, 0x80000000]);
    const x = new Float32Array(bits.buffer);
    const dir = join(tmp, 'halves');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.npy'), toNpy(x, [n]));
    py('halves', join(dir, 'x.npy'), dir);
    const f16 = readNpy(new Uint8Array(readFileSync(join(dir, 'f16.npy')))).toTypedArray() as Uint16Array;
    const bf16 = readNpy(new Uint8Array(readFileSync(join(dir, 'bf16.npy')))).toTypedArray() as Uint16Array;
    const mine16 = float32ToFloat16(x), mineB = float32ToBFloat16(x);
    // torch 1.13's vectorised bf16 cast writes NaN as 0xFFFF, its scalar path 0x7FC0 (ours): any NaN is NaN.
    const isNanB = (b: number) => (b & 0x7f80) === 0x7f80 && (b & 0x7f) !== 0;
    let d16 = 0, dB = 0;
    for (let i = 0; i < n; i++) {
      if (f16[i] !== mine16[i]) d16++;
      if (bf16[i] !== mineB[i] && !(isNanB(bf16[i]) && isNanB(mineB[i]))) dB++;
    }
    expect({ f16Mismatches: d16, bf16Mismatches: dB }).toEqual({ f16Mismatches: 0, bf16Mismatches: 0 });
    expect(bfloat16ToFloat32(mineB).length).toBe(n);
  });
});
