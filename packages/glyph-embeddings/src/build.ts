// buildEmbeddings(): tokenizer + recipe (+ font) -> EmbeddingMatrix. Dispatches on the recipe registry, reports
// tokens with missing glyphs, runs PCA (exact integer scatter for bit rows, symmetric eigensolver), projects
// (plain JS for small builds, deterministic everywhere; tfjs-wasm for large ones), L2-normalises, and optionally
// caches the result under tokenizer fingerprint + font hash + recipe + options.
import { cacheKey, frameCacheEntry, unframeCacheEntry, type CacheStore } from './cache.js';
import { wasmKernels } from './compute/kernels.js';
import { wasmProject } from './compute/wasm.js';
import { projectBitsWasm } from './pca/fast.js';
import { GlyphEmbeddingsError } from './errors.js';
import { defaultFont } from './font/default.js';
import type { GlyphFont } from './font/font.js';
import {
  bitsRowToFloat, covarianceFromScatter, l2NormalizeRows, pcaFromCovariance, pcaFromEigen, projectRowsJS, scatter, SIGN_CONVENTION,
  type PcaModel, type SymmetricEigen,
} from './pca/pca.js';
import { ensureBuiltinRecipes } from './recipes/builtins.js';
import type { ParallelProvider } from './parallel.js';
import { getRecipe, type RecipeOptions, type RowMatrix } from './recipes/registry.js';
import { fromSafetensors, toSafetensors } from './safetensors.js';
import type { EmbeddingMatrix, EmbeddingMeta, ProgressFn, TokenizerLike } from './types.js';

/** Bumped whenever an output-changing detail of any recipe changes (invalidates caches). */
export const BUILD_VERSION = 1;

export type { ParallelProvider } from './parallel.js';

export interface BuildOptions extends RecipeOptions {
  /** Recipe name (see listRecipes()). */
  recipe: string;
  /** Font for visual recipes (default: defaultFont(), UnifontEX). */
  font?: GlyphFont;
  onProgress?: ProgressFn;
  /**
   * A cache store (Node: fileCacheStore(dir) from `@glyphlm/glyph-embeddings/node`), or `true` for the Node
   * adapter's default folder ($GLYPHLM_CACHE or ~/.cache/glyphlm/embeddings).
   */
  cache?: CacheStore | true;
  /**
   * Projection backend: 'auto' (bit rows: the SIMD wasm kernel, same bytes in Node and browsers; float rows:
   * float64 JS below ~2^31 multiply-adds, else tfjs-wasm matMul), 'js' (always float64 JS) or 'wasm' (tfjs-wasm).
   */
  compute?: 'auto' | 'js' | 'wasm';
  /**
   * Worker-thread (or other) implementations of the heavy steps. Default 'auto': under Node, worker threads
   * (`nodeParallel()` of the Node adapter) for builds of at least 16M row bits; `false` = single thread.
   */
  parallel?: ParallelProvider | 'auto' | false;
  /** Receives the raw rows (bits/floats) before PCA (benches, fidelity checks). */
  onRows?: (rows: RowMatrix) => void;
}

/** Stage timings (ms) of the last build, for benches. */
export interface BuildTimings {
  rows: number; scatter: number; eigen: number; project: number; normalise: number; total: number;
  /** Process CPU ms per stage (Node only; includes helper threads). */
  cpu?: { rows: number; scatter: number; eigen: number; project: number; normalise: number };
}

/** Process CPU time in ms where the host exposes it (Node), else NaN. */
function cpuMs(): number {
  const p = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process;
  if (!p?.cpuUsage) return NaN;
  const u = p.cpuUsage();
  return (u.user + u.system) / 1000;
}

export interface BuildResult extends EmbeddingMatrix {
  meta: EmbeddingMeta & { timings?: BuildTimings; cacheHit?: boolean };
}

const JS_PROJECT_LIMIT = 2 ** 31;

/** Builds the frozen embedding matrix of `tok` with a registered recipe. Row i = token id i. */
export async function buildEmbeddings(tok: TokenizerLike, opts: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  if (!tok || !Number.isInteger(tok.vocabSize) || tok.vocabSize < 1) {
    throw new GlyphEmbeddingsError(`buildEmbeddings: tokenizer.vocabSize must be a positive integer, got ${tok?.vocabSize}`);
  }
  if (!opts || typeof opts.recipe !== 'string') throw new GlyphEmbeddingsError("buildEmbeddings: options.recipe is required (e.g. 'bvv241-2-3')");
  ensureBuiltinRecipes();
  const recipe = getRecipe(opts.recipe);
  const options: RecipeOptions = { ...opts };
  if (recipe.visual && !options.font) options.font = await defaultFont();
  const fonts = recipe.visual ? [options.font!, ...(options.fallbackFonts ?? [])] : [];

  const keyParts = {
    v: BUILD_VERSION, recipe: recipe.name, tokenizer: tok.fingerprint, vocab: tok.vocabSize,
    fonts: fonts.map((f) => f.hash), seed: opts.seed, components: opts.components, extra: recipe.cacheKey?.(options),
    compute: opts.compute ?? 'auto', // 'js' (float64) and the kernels (f32 sums) differ in the last bits
  };
  let key: string | undefined;
  let store: CacheStore | undefined;
  if (opts.cache === true) {
    const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
    if (!proc?.versions?.node) throw new GlyphEmbeddingsError('buildEmbeddings: cache: true needs Node; pass a CacheStore in browsers');
    store = (await import('./node/index.js')).fileCacheStore();
  } else store = opts.cache;
  if (store) {
    key = await cacheKey(keyParts);
    const raw = await store.get(key);
    if (raw) {
      const { payload } = await unframeCacheEntry(raw);
      if (payload) {
        try {
          const m = fromSafetensors(payload, { source: `cache entry ${key}` });
          if (m.rows === tok.vocabSize) {
            opts.onProgress?.({ stage: 'cache', done: 1, total: 1 });
            return { ...m, meta: { ...m.meta, cacheHit: true } };
          }
        } catch {
          /* unreadable: rebuild */
        }
      }
      await store.delete?.(key);
    }
  }

  // 1. rows
  const missing = new Set<number>();
  const missingCps = new Set<number>();
  const tr0 = performance.now(), cr0 = cpuMs();
  const rows = await recipe.produceRows(tok, {
    options,
    onProgress: opts.onProgress,
    reportMissing: (id, cp) => { missing.add(id); if (missingCps.size < 32) missingCps.add(cp); },
  });
  if (rows.rows !== tok.vocabSize) throw new GlyphEmbeddingsError(`recipe '${recipe.name}' produced ${rows.rows} rows for vocabSize ${tok.vocabSize}`);
  const tr1 = performance.now(), cr1 = cpuMs();
  opts.onRows?.(rows);

  // 2. PCA
  const pcaSettings = recipe.pca(options, tok);
  const parallel = await resolveParallel(opts.parallel, rows);
  let data: Float32Array, dim: number, pcaMeta: EmbeddingMeta['pca'] = null;
  let ts = 0, te = 0, tp = 0, cs = 0, ce = 0, cp = 0;
  if (pcaSettings) {
    const a = performance.now(), ca = cpuMs();
    opts.onProgress?.({ stage: 'scatter', done: 0, total: 1 });
    const sc = (rows.kind === 'bits' && wasmKernels() ? await parallel?.scatter?.(rows) : undefined) ?? scatter(rows);
    const b = performance.now(), cb = cpuMs();
    opts.onProgress?.({ stage: 'eigen', done: 0, total: 1 });
    const { cov, mean } = covarianceFromScatter(sc.gram, sc.sums, rows.rows);
    const eig = pcaSettings.components === 'full' || pcaSettings.components > 0 ? await parallel?.eigen?.(cov, mean.length) : undefined;
    const model = eig ? pcaFromEigen(eig, mean, rows.rows, pcaSettings.components) : pcaFromCovariance(cov, mean, rows.rows, pcaSettings.components);
    const c = performance.now(), cc = cpuMs();
    dim = model.k;
    data = new Float32Array(rows.rows * dim);
    await project(rows, model, data, opts, parallel);
    tp = performance.now() - c;
    ts = b - a;
    te = c - b;
    cp = cpuMs() - cc;
    cs = cb - ca;
    ce = cc - cb;
    let ev = 0;
    for (const r of model.explainedVarianceRatio) ev += r;
    pcaMeta = { components: model.k, inputDim: model.dim, explainedVariance: ev, signConvention: SIGN_CONVENTION };
  } else {
    dim = rows.dim;
    if (rows.kind === 'float') data = rows.data;
    else {
      data = new Float32Array(rows.rows * dim);
      for (let r = 0; r < rows.rows; r++) bitsRowToFloat(rows, r, data, r * dim);
    }
  }

  // 3. normalise
  const tn0 = performance.now(), cn0 = cpuMs();
  if (recipe.normalise === 'l2') l2NormalizeRows(data, rows.rows, dim);
  const tn1 = performance.now(), cn1 = cpuMs();

  const meta: BuildResult['meta'] = {
    recipe: recipe.name,
    tokenizer: tok.name,
    tokenizerFingerprint: tok.fingerprint,
    ...(fonts.length ? { font: fonts.map((f) => f.familyName).join(' + '), fontHash: fonts.map((f) => f.hash).join(',') } : {}),
    missingGlyphTokens: missing.size,
    missingCodePoints: [...missingCps].map((cp) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`),
    pca: pcaMeta,
    normalise: recipe.normalise,
    buildVersion: BUILD_VERSION,
    timings: {
      rows: tr1 - tr0, scatter: ts, eigen: te, project: tp, normalise: tn1 - tn0, total: performance.now() - t0,
      cpu: { rows: cr1 - cr0, scatter: cs, eigen: ce, project: cp, normalise: cn1 - cn0 },
    },
  };
  const result: BuildResult = { rows: rows.rows, dim, data, meta };
  if (store && key) {
    const { timings: _t, ...persist } = meta;
    await store.put(key, await frameCacheEntry(toSafetensors({ ...result, meta: persist })));
  }
  return result;
}

async function project(rows: RowMatrix, model: PcaModel, out: Float32Array, opts: BuildOptions, parallel?: ParallelProvider): Promise<void> {
  const work = rows.rows * model.dim * model.k;
  const mode = opts.compute ?? 'auto';
  const progress = (done: number) => opts.onProgress?.({ stage: 'project', done, total: rows.rows });
  const kern = mode === 'auto' ? wasmKernels() : null;
  if (mode === 'js' || (!kern && work < JS_PROJECT_LIMIT) || (rows.kind === 'float' && work < JS_PROJECT_LIMIT)) {
    const step = 4096;
    for (let r = 0; r < rows.rows; r += step) {
      projectRowsJS(rows, model, out, r, Math.min(rows.rows, r + step));
      progress(Math.min(rows.rows, r + step));
    }
    return;
  }
  if (rows.kind === 'bits' && kern) {
    if (parallel?.project && (await parallel.project(rows, model, out, progress))) return;
    projectBitsWasm(kern, rows, model, out, 0, rows.rows, progress);
    return;
  }
  const { dim, k, mean, components } = model;
  const componentsByDim = new Float32Array(dim * k); // dim x k: column j = component j
  for (let j = 0; j < k; j++) for (let d = 0; d < dim; d++) componentsByDim[d * k + j] = components[j * dim + d];
  const mean32 = Float32Array.from(mean);
  const fill = rows.kind === 'bits'
    ? (r: number, dst: Float32Array, o: number) => bitsRowToFloat(rows, r, dst, o, mean32)
    : (r: number, dst: Float32Array, o: number) => { for (let d = 0; d < dim; d++) dst[o + d] = rows.data[r * dim + d] - mean32[d]; };
  const ok = await wasmProject(rows.rows, dim, k, componentsByDim, fill, out, progress);
  if (!ok) {
    if (mode === 'wasm') throw new GlyphEmbeddingsError('buildEmbeddings: compute "wasm" requested but the tfjs wasm backend could not start');
    projectRowsJS(rows, model, out);
  }
}

async function resolveParallel(p: BuildOptions['parallel'], rows: RowMatrix): Promise<ParallelProvider | undefined> {
  if (p === false) return undefined;
  if (p && p !== 'auto') return p;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node || rows.kind !== 'bits' || rows.rows * rows.dim < 1 << 24) return undefined;
  try {
    const { nodeParallel } = await import('./node/parallel.js');
    return nodeParallel();
  } catch {
    return undefined;
  }
}
