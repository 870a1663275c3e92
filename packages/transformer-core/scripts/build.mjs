// Builds dist/: esbuild ESM bundles for Node and browsers, the Node adapter and the head-pool worker, and .d.ts files
// from tsc. tfjs is a peer dependency and stays external (scripts/tfjs-external.mjs: only tfjs-core's gradient and
// chained-op registrations, which plain Node ESM cannot load, are bundled against the user's tfjs).
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { tfjsExternal } from './tfjs-external.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';

const here = dirname(new URL(import.meta.url).pathname);
const root = join(here, '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

const tfjs = tfjsExternal(root);
const external = ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@glyphlm/tensor-io'];
const common = { bundle: true, format: 'esm', target: 'es2022', sourcemap: true, logLevel: 'warning', external, plugins: [tfjs] };

await build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(dist, 'index.js'), platform: 'node' });
await build({ ...common, entryPoints: [join(root, 'src/node/index.ts')], outfile: join(dist, 'node.js'), platform: 'node', external: [...external, '@glyphlm/transformer-core'] });
await build({ ...common, entryPoints: [join(root, 'src/node/head-worker.ts')], outfile: join(dist, 'head-worker.js'), platform: 'node' });
// The browser bundle gets a stub for the on-demand imports of the Node adapter (checkpoint.ts's `import('./node/index.js')`,
// fuse-io.ts's `import('./node/fuse-folders.js')`, only reached in Node): bundling the real adapter would put
// top-level node:fs / node:worker_threads imports into browser.js.
const nodeAdapterStub = {
  name: 'node-adapter-stub',
  setup(b) {
    b.onResolve({ filter: /^\.\/node\/(index|fuse-folders)\.js$/ }, (args) => ({ path: 'node-adapter', namespace: 'node-adapter-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'node-adapter-stub' }, () => ({
      loader: 'js',
      contents: "const needsNode = () => { throw new Error('checkpoint directories need Node (@glyphlm/transformer-core/node)'); };\nexport const readCheckpointDir = needsNode, writeCheckpointDir = needsNode, writeFileAtomic = needsNode, createHeadPool = needsNode, writeFolderAtomic = needsNode, readText = needsNode, readCheckpointFiles = needsNode;\n",
    }));
  },
};
await build({ ...common, entryPoints: [join(root, 'src/index.ts')], outfile: join(dist, 'browser.js'), platform: 'browser', plugins: [tfjs, nodeAdapterStub], external: [...external, 'node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'perf_hooks', 'util'] });

const require = createRequire(join(root, 'package.json'));
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--emitDeclarationOnly'], { stdio: 'inherit' });
console.log('built dist/');
