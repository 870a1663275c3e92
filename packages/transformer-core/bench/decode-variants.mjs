// Does decode.ts earn its place? Times one generated token at batch 1 (fast paths off) through decode.ts's steps and
// through infer.ts's inferStep at Tn = 1, interleaved, on each backend asked for, and checks both give the same
// tokens and logits (the measurement itself: decode-variants-core.ts; in Chromium: decode-variants.browser-bench.ts).
//
//   node bench/decode-variants.mjs [backends, default cpu,wasm,webgpu]
//   env: DV_LAYERS (default 2: shakespeare-char dims, d 384, 6 heads, vocab 65, with this many layers), DV_PROMPT
//   (16), DV_STEPS (40: one cache merge at 32; 12 when webgpu runs alone), DV_ROUNDS (3).
// webgpu in Node is Dawn (the `webgpu` package) on chromium's SwiftShader Vulkan driver: the script re-runs itself
// with LD_LIBRARY_PATH and VK_ICD_FILENAMES set when it finds /usr/lib/chromium/vk_swiftshader_icd.json.
// The internals it times are not exported from dist/, so the core is bundled from src/ at start (esbuild, tfjs
// external as scripts/build.mjs does) into node_modules/.cache/decode-variants/; dist/ is not touched.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tfjsExternal } from '../scripts/tfjs-external.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const backends = (process.argv[2] ?? 'cpu,wasm,webgpu').split(',');

// Dawn finds the Vulkan loader through LD_LIBRARY_PATH, which the dynamic loader reads only at process start
const chromiumLib = '/usr/lib/chromium';
const icd = `${chromiumLib}/vk_swiftshader_icd.json`;
if (backends.includes('webgpu') && !process.env.VK_ICD_FILENAMES && existsSync(icd)) {
  const env = { ...process.env, VK_ICD_FILENAMES: icd, LD_LIBRARY_PATH: [chromiumLib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  const r = spawnSync(process.execPath, process.argv.slice(1), { env, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const outfile = join(root, 'node_modules/.cache/decode-variants/core.mjs');
await build({
  entryPoints: [join(here, 'decode-variants-core.ts')], outfile, bundle: true, format: 'esm', target: 'es2022', platform: 'node',
  logLevel: 'warning', external: ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@glyphlm/tensor-io'], plugins: [tfjsExternal(root)],
});
const { measureDecodeVariants, describeOptions } = await import(pathToFileURL(outfile).href);

const opts = {
  layers: Number(process.env.DV_LAYERS ?? 2),
  prompt: Number(process.env.DV_PROMPT ?? 16),
  steps: Number(process.env.DV_STEPS ?? (backends.length === 1 && backends[0] === 'webgpu' ? 12 : 40)),
  rounds: Number(process.env.DV_ROUNDS ?? 3),
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`# ${describeOptions(opts)}; node ${process.version}, load average ${load()}`);
for (const be of backends) {
  let r;
  try {
    r = await measureDecodeVariants(be, opts);
  } catch (e) {
    console.log(`${be}: skipped (${e.message})`);
    continue;
  }
  console.log(`${r.line}; load average after ${load()}`);
  if (!r.sameTokens || r.maxLogitDiff > 1e-3) process.exitCode = 1;
}
