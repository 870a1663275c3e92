// Bench of the browser example: production bundle size (raw and gzip, by kind) and, in chromium, the time to load
// a `bvv-tiny` checkpoint (presets['bvv-tiny'], random weights, bvv241-2-3 vocabulary, F32) and to its first token
// on webgpu (SwiftShader here) and wasm, plus tokens/s after it. Run: pnpm --filter ./examples/browser bench
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { createModel, presets, saveCheckpoint, useBackend } from '@glyphlm/transformer-core';
import { serve } from '../server/static.mjs';

const here = resolve(import.meta.dirname, '..');
const NEW_TOKENS = Number(process.env.TTFT_TOKENS ?? 8);
await build({ root: here, logLevel: 'warn' });

// bundle size by kind
const kinds = {};
const walk = (d) => { for (const f of readdirSync(d)) { const p = join(d, f); if (statSync(p).isDirectory()) walk(p); else { const k = extname(f) || f; const b = readFileSync(p); kinds[k] ??= { files: 0, bytes: 0, gzip: 0 }; kinds[k].files++; kinds[k].bytes += b.length; kinds[k].gzip += k === '.gz' || k === '.woff' ? b.length : gzipSync(b).length; } } };
walk(join(here, 'dist'));
const mib = (n) => (n / 2 ** 20).toFixed(2);
console.log('bundle (dist/):');
for (const [k, v] of Object.entries(kinds).sort((a, b) => b[1].bytes - a[1].bytes)) console.log(`  ${k.padEnd(6)} ${String(v.files).padStart(3)} files  ${mib(v.bytes).padStart(6)} MiB  gzip ${mib(v.gzip)} MiB`);
const tot = Object.values(kinds).reduce((a, v) => ({ bytes: a.bytes + v.bytes, gzip: a.gzip + v.gzip }), { bytes: 0, gzip: 0 });
console.log(`  total ${mib(tot.bytes)} MiB, gzip ${mib(tot.gzip)} MiB`);

// the checkpoint
const tmp = mkdtempSync(join(tmpdir(), 'glyphlm-ttft-'));
await useBackend('wasm');
const model = createModel(presets['bvv-tiny'], { embedding: 'trainable', seed: 1 });
await saveCheckpoint(model, join(tmp, 'runs', 'bvv-tiny'));
model.dispose();
const server = await serve(join(here, 'dist'), join(tmp, 'runs'));
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) throw new Error(`no chromium at ${chromiumPath}`);
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] });
try {
  for (const backend of ['wasm', 'webgpu']) {
    const page = await browser.newPage();
    const t0 = Date.now();
    await page.goto(`${server.url}?backend=${backend}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 120_000 });
    const ready = Date.now() - t0;
    await page.waitForSelector('#run-select[data-count="1"]');
    const t1 = Date.now();
    await page.click('#load-run');
    await page.waitForSelector('#load-info[data-state=loaded]', { timeout: 300_000 });
    const loadMs = Date.now() - t1;
    await page.fill('#temperature', '0');
    await page.fill('#max-tokens', String(NEW_TOKENS));
    console.log(`${backend}: page ready ${ready} ms, checkpoint load ${loadMs} ms (${mib(statSync(join(tmp, 'runs/bvv-tiny/model.safetensors')).size)} MiB)`);
    // the first generation after loading pays one-time costs (shader compilation on webgpu, JIT warm-up on wasm)
    for (const run of ['first Generate', 'second Generate']) {
      await page.evaluate(() => { document.querySelector('#run-output').dataset.state = 'clicked'; });
      await page.click('#generate');
      await page.waitForSelector('#run-output[data-state=done]', { timeout: 590_000 });
      console.log(`  ${run}: ${await page.textContent('#run-stats')}`);
    }
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
}
