// Bench: what a browser user ships. Bundles (esbuild --bundle --minify, ESM, platform browser) a tiny consumer of
// the built dist/ that imports only buildEmbeddings from the main entry, and one that imports the ./viz subpath,
// and prints the bytes (minified and gzipped) and the biggest inputs. Node built-ins (reached only through the
// Node-only dynamic imports) are left external. One single-file bundle (dynamic imports inlined) and one split
// bundle (dynamic imports as chunks: the entry chunk is what loads up front).
// Usage: node bench/bundle-size.mjs   (after `pnpm build`)
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const consumers = {
  'main entry: buildEmbeddings only': `import { buildEmbeddings } from '${join(dist, 'index.js')}'; console.log(buildEmbeddings);`,
};
try { statSync(join(dist, 'viz.js')); consumers['./viz: glyphSheet + map2d'] = `import { glyphSheet, map2d } from '${join(dist, 'viz.js')}'; console.log(glyphSheet, map2d);`; } catch { /* no ./viz entry in this build */ }

const common = { bundle: true, minify: true, format: 'esm', platform: 'browser', external: ['node:*', 'module'], logLevel: 'error', metafile: true, write: true };
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
const tmp = mkdtempSync(join(tmpdir(), 'glyphlm-bundle-'));
try {
  for (const [name, code] of Object.entries(consumers)) {
    const entry = join(tmp, 'consumer.mjs');
    writeFileSync(entry, code);
    const single = await build({ ...common, entryPoints: [entry], outfile: join(tmp, 'single.js') });
    const bytes = readFileSync(join(tmp, 'single.js'));
    await build({ ...common, entryPoints: [entry], outdir: join(tmp, 'split'), splitting: true });
    const entryChunk = readFileSync(join(tmp, 'split', 'consumer.js'));
    const chunks = readdirSync(join(tmp, 'split')).length;
    const inputs = {};
    for (const [file, info] of Object.entries(Object.values(single.metafile.outputs)[0].inputs)) {
      const key = file.includes('node_modules') ? file.replace(/.*node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, '$1') : 'glyph-embeddings dist';
      inputs[key] = (inputs[key] ?? 0) + info.bytesInOutput;
    }
    console.log(`${name}`);
    console.log(`  single file (dynamic imports inlined) ${kb(bytes.length)} minified ${kb(gzipSync(bytes).length)} gzipped`);
    console.log(`  split: entry chunk                    ${kb(entryChunk.length)} minified ${kb(gzipSync(entryChunk).length)} gzipped (${chunks} files)`);
    console.log(`  biggest inputs: ${Object.entries(inputs).sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} KiB`).join(', ')}`);
    rmSync(join(tmp, 'split'), { recursive: true, force: true });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
