// The package's entry points: the tools for seeing a matrix live under `./viz` (every name they had in the main
// entry before the move, nothing else), the main entry no longer exports them, and a bundle of a consumer that
// imports only buildEmbeddings (esbuild, browser platform, as an app bundler would) reaches no viz module and no
// umap-js.
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import * as main from './index.js';
import * as viz from './viz.js';

const VIZ_NAMES = [
  'MAP_WORD_GROUPS', 'PALETTE', 'adler32', 'crc32', 'encodePng', 'gatherRows', 'glyphSheet', 'glyphSheetImage', 'map2d',
  'map2dImage', 'map2dPng', 'map2dSvg', 'mapWords', 'pca2', 'stringListTokenizer', 'tsne', 'tsneKl', 'wordMap',
  'xmlEscape', 'zlibDeflate',
];

describe('entry points', () => {
  it('./viz exports exactly the visualisation names; the main entry none of them', () => {
    expect(Object.keys(viz).sort()).toEqual(VIZ_NAMES);
    for (const name of VIZ_NAMES) expect(Object.keys(main), name).not.toContain(name);
    for (const name of ['buildEmbeddings', 'nearest', 'cosineRows', 'shapedRecipe', 'randomBinaryCodes', 'defaultFont']) expect(main).toHaveProperty(name);
  });

  it('a consumer of buildEmbeddings alone bundles no viz module and no umap-js', async () => {
    const index = fileURLToPath(new URL('./index.ts', import.meta.url));
    const r = await build({
      stdin: { contents: `import { buildEmbeddings } from ${JSON.stringify(index)}; console.log(buildEmbeddings);`, resolveDir: process.cwd(), loader: 'ts' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', external: ['node:*', 'module'], write: false, metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(r.metafile!.inputs);
    expect(inputs.some((f) => f.endsWith('src/build.ts'))).toBe(true);
    expect(inputs.filter((f) => /src\/viz\/|src\/viz\.ts|umap-js|ml-matrix/.test(f))).toEqual([]);
  });
});
