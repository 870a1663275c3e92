// Builds dist/: an esbuild ESM bundle for Node (tfjs-core's dist cannot be loaded by plain Node ESM, so it is
// bundled, with the createRequire/__dirname banner the wasm loader needs and the .wasm files copied alongside),
// a browser bundle, the Node adapter, and .d.ts files from tsc.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

const here = dirname(new URL(import.meta.url).pathname);
const root = join(here, '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const banner = "import { createRequire as __cr } from 'node:module'; import { dirname as __dn } from 'node:path'; import { fileURLToPath as __fu } from 'node:url'; const require = __cr(import.meta.url); const __dirname = __dn(__fu(import.meta.url)); const __filename = __fu(import.meta.url);";
const external = ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@glyphlm/tensor-io'];
const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', external };

await build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(dist, 'index.js'), platform: 'node', mainFields: ['module', 'main'], banner: { js: banner } });
await build({ ...common, entryPoints: [join(root, 'src/node.ts')], outfile: join(dist, 'node.js'), platform: 'node', external: [...external, '@glyphlm/transformer-core'] });
await build({ ...common, entryPoints: [join(root, 'src/head-worker.ts')], outfile: join(dist, 'head-worker.js'), platform: 'node', mainFields: ['module', 'main'], banner: { js: banner } });
// The browser bundle gets a stub for checkpoint.ts's on-demand `import('./node.js')` (only reached in Node): bundling
// the real adapter would put top-level node:fs / node:worker_threads imports into browser.js.
const nodeAdapterStub = {
  name: 'node-adapter-stub',
  setup(b) {
    b.onResolve({ filter: /^\.\/node\.js$/ }, (args) => (args.importer.endsWith(join('src', 'checkpoint.ts')) ? { path: 'node-adapter', namespace: 'node-adapter-stub' } : undefined));
    // likewise fuse-io.ts's on-demand `import('./fuse-node.js')` (fused model folders)
    b.onResolve({ filter: /^\.\/fuse-node\.js$/ }, (args) => (args.importer.endsWith(join('src', 'fuse-io.ts')) ? { path: 'fuse-node-adapter', namespace: 'node-adapter-stub' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'node-adapter-stub' }, () => ({
      loader: 'js',
      contents: "const needsNode = () => { throw new Error('checkpoint directories need Node (@glyphlm/transformer-core/node)'); };\nexport const readCheckpointDir = needsNode, writeCheckpointDir = needsNode, writeFileAtomic = needsNode, createHeadPool = needsNode, writeFolderAtomic = needsNode, readText = needsNode, readCheckpointFiles = needsNode;\n",
    }));
  },
};
await build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(dist, 'browser.js'), platform: 'browser', plugins: [nodeAdapterStub], external: [...external, 'node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util'] });

const require = createRequire(join(root, 'package.json'));
const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
for (const f of readdirSync(join(wasmDir, 'dist')).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, 'dist', f), join(dist, f));

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
console.log('built dist/');
