// Assembles src/node/parallel-kernels.wat (wasm SIMD over a *shared* memory) into src/node/parallel-kernels.wasm.ts,
// like the root scripts/build-wasm-kernels.mjs does for the other kernels; wabt's own validator rejects shared
// memories, so the module is parsed with the threads feature and validated by the JS engine instead.
//   node scripts/build-parallel-kernels.mjs            writes the generated file
//   node scripts/build-parallel-kernels.mjs --check    exits 1 when it is out of date (the tests use it)
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import initWabt from 'wabt';
import { generatedSource } from '../../../scripts/build-wasm-kernels.mjs';

const wat = fileURLToPath(new URL('../src/node/parallel-kernels.wat', import.meta.url));
const out = fileURLToPath(new URL('../src/node/parallel-kernels.wasm.ts', import.meta.url));

export async function parallelKernelsSource() {
  const wabt = await initWabt();
  const mod = wabt.parseWat(wat, readFileSync(wat, 'utf8'), { simd: true, threads: true });
  try {
    const bytes = Buffer.from(mod.toBinary({}).buffer);
    if (!WebAssembly.validate(bytes)) throw new Error(`${wat}: the assembled module does not validate`);
    return generatedSource('parallel-kernels', bytes);
  } finally {
    mod.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const src = await parallelKernelsSource();
  let old = '';
  try { old = readFileSync(out, 'utf8'); } catch {}
  if (process.argv.includes('--check')) {
    if (old !== src) { console.error(`${out} is out of date: run node scripts/build-parallel-kernels.mjs`); process.exit(1); }
  } else if (old !== src) {
    writeFileSync(out + '.tmp', src);
    renameSync(out + '.tmp', out);
    console.log(`wrote ${out}`);
  }
}
