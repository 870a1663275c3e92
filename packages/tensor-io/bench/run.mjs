// tensor-io bench: safetensors write/read and F16/BF16 conversion throughput on a 64 MiB F32 table, printed as
// ratios against peers measured in the same run: a plain memcpy (Uint8Array.set) here, and the Python twin's
// reader/writer (interop/python/safetensors_lite.py) with torch's dtype conversions when /usr/bin/python3 has them.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  bfloat16ToFloat32, float16ToFloat32, float32ToBFloat16, float32ToFloat16, readSafetensors, writeSafetensors,
} from '../dist/index.js';

const N = 16 * 1024 * 1024; // 64 MiB of F32
const MB = (N * 4) / 2 ** 20;
const x = new Float32Array(N);
for (let i = 0; i < N; i++) x[i] = Math.sin(i) * 3;

function best(f, reps = 5) {
  let t = Infinity;
  for (let r = 0; r < reps; r++) { const t0 = performance.now(); f(); t = Math.min(t, performance.now() - t0); }
  return t / 1000;
}
const rows = [];
const add = (name, sec, mb = MB) => rows.push({ name, mbPerSec: mb / sec });

const dst = new Uint8Array(N * 4);
const src = new Uint8Array(x.buffer);
add('memcpy (Uint8Array.set) [peer]', best(() => dst.set(src)));
let bytes;
add('writeSafetensors F32', best(() => { bytes = writeSafetensors({ w: { dtype: 'F32', shape: [N / 1024, 1024], data: x } }); }));
add('readSafetensors + toFloat32 F32', best(() => readSafetensors(bytes).tensors.get('w').toFloat32()));
add('float32ToBFloat16', best(() => float32ToBFloat16(x)));
add('float32ToFloat16', best(() => float32ToFloat16(x)));
const b16 = float32ToBFloat16(x), h16 = float32ToFloat16(x);
add('bfloat16ToFloat32', best(() => bfloat16ToFloat32(b16)));
add('float16ToFloat32', best(() => float16ToFloat32(h16)));

const PY = process.env.GLYPHLM_PYTHON ?? '/usr/bin/python3';
const py = {};
if (spawnSync(PY, ['-c', 'import torch, numpy']).status === 0) {
  const tmp = mkdtempSync(join(tmpdir(), 'tensor-io-bench-'));
  writeFileSync(join(tmp, 'w.safetensors'), bytes);
  const here = resolve(import.meta.dirname, '../../../interop/python');
  const script = `
import os, sys, time, json, torch
torch.set_num_threads(os.cpu_count() or 1)
sys.path.insert(0, ${JSON.stringify(here)})
import safetensors_lite as st
def best(f, reps=5):
    t = 1e9
    for _ in range(reps):
        t0 = time.perf_counter(); f(); t = min(t, time.perf_counter() - t0)
    return t
p = ${JSON.stringify(join(tmp, 'w.safetensors'))}
_, d = st.load_torch(p); w = d['w']
b = w.to(torch.bfloat16); h = w.to(torch.float16)
out = {
  'read': best(lambda: st.load_torch(p)),
  'write': best(lambda: st.dumps({'w': w})),
  'f32->bf16': best(lambda: w.to(torch.bfloat16)), 'f32->f16': best(lambda: w.to(torch.float16)),
  'bf16->f32': best(lambda: b.float()), 'f16->f32': best(lambda: h.float()),
  'threads': torch.get_num_threads(),
}
print(json.dumps(out))`;
  Object.assign(py, JSON.parse(execFileSync(PY, ['-c', script], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } })));
  rmSync(tmp, { recursive: true, force: true });
}
const peer = { 'writeSafetensors F32': 'write', 'readSafetensors + toFloat32 F32': 'read', float32ToBFloat16: 'f32->bf16',
  float32ToFloat16: 'f32->f16', bfloat16ToFloat32: 'bf16->f32', float16ToFloat32: 'f16->f32' };
const memcpy = rows[0].mbPerSec;
console.log(`tensor-io bench, ${MB} MiB F32 (${N.toLocaleString()} elements), best of 5; MB/s of F32 data`);
console.log('name'.padEnd(34), 'MB/s'.padStart(9), 'vs memcpy'.padStart(10), `vs python/torch${py.threads ? ` (${py.threads} threads)` : ''}`.padStart(28));
for (const r of rows) {
  const k = peer[r.name];
  const pyRate = k && py[k] ? MB / py[k] : undefined;
  console.log(r.name.padEnd(34), r.mbPerSec.toFixed(0).padStart(9), (r.mbPerSec / memcpy).toFixed(3).padStart(10),
    (pyRate ? `${(r.mbPerSec / pyRate).toFixed(2)}x (${pyRate.toFixed(0)} MB/s)` : '-').padStart(28));
}
if (!py.threads) console.log('python peer skipped: /usr/bin/python3 lacks torch/numpy');
