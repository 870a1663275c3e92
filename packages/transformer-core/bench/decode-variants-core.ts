// The measurement of bench/decode-variants.mjs (Node) and decode-variants.browser-bench.ts (Chromium): time per
// generated token at batch 1, fast paths off, of the two tfjs-ops ways to run one new token against the same KV cache
// after the same prompt, both through stepper.ts's tfjs-ops path: (1) decode.ts's steps (what generate runs where no
// fused decoder does: webgpu, wasm with fast paths off) and (2) infer.ts's inferStep with Tn = 1 (per-head matMuls;
// what it runs on tfjs's cpu backend), each cache merged every 32 tokens. Both read the logits back every step (as sampling does) and must agree on the
// greedy tokens and, to float tolerance, on the logits. Runs alternate (decode/infer, then infer/decode); the median
// of the rounds is reported with the ratio infer/decode. Imports src/ (these internals are not exported from dist/).
import { tf } from '../src/tf.js';
import { useBackend, type BackendChoice } from '../src/backend.js';
import { setFastPaths } from '../src/fast-paths.js';
import { createModel, presets } from '../src/index.js';
import { createStepper, type Stepper } from '../src/stepper.js';
import type { ModelWeights } from '../src/model-weights.js';
import { Rng } from '../src/rng.js';

export interface VariantOptions {
  /** Layers of shakespeare-char (d 384, 6 heads, vocab 65). */
  layers: number;
  prompt: number;
  steps: number;
  rounds: number;
}

export interface VariantResult {
  backend: string;
  /** Median ms per generated token. */
  decodeMs: number;
  inferMs: number;
  rounds: { decode: number[]; infer: number[] };
  /** tfjs kernels dispatched by one step. */
  kernels: { decode: number; infer: number };
  sameTokens: boolean;
  maxLogitDiff: number;
  seconds: number;
  line: string;
}

type MakeStepper = (m: ModelWeights, ids: Int32Array) => Stepper;

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

function argmax(r: Float32Array): number {
  let best = 0;
  for (let i = 1; i < r.length; i++) if (r[i] > r[best]) best = i;
  return best;
}

const variants: Record<'decode' | 'infer', MakeStepper> = {
  decode: (m, ids) => createStepper(m, ids, false, undefined, 'decode'),
  infer: (m, ids) => createStepper(m, ids, false, undefined, 'infer'),
};

/** Greedy run: ms per generated token (the steps only, logits read each step), the tokens and the logit rows. */
async function run(make: MakeStepper, model: ModelWeights, ids: Int32Array, steps: number): Promise<{ ms: number; toks: number[]; rows: Float32Array[] }> {
  const s = make(model, ids);
  try {
    let row = await s.first();
    const rows = [row];
    const toks: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const tok = argmax(row);
      toks.push(tok);
      row = await s.next(tok);
      rows.push(row);
    }
    return { ms: (performance.now() - t0) / steps, toks, rows };
  } finally {
    s.dispose();
  }
}

/** tfjs kernels dispatched by one step (the 4th) of a variant: what a GPU pays a launch for. */
async function kernelsPerStep(make: MakeStepper, model: ModelWeights, ids: Int32Array): Promise<number> {
  const s = make(model, ids);
  try {
    let row = await s.first();
    for (let i = 0; i < 3; i++) row = await s.next(argmax(row));
    const tok = argmax(row);
    return (await tf.profile(() => s.next(tok))).kernels.length;
  } finally {
    s.dispose();
  }
}

export function describeOptions(o: VariantOptions): string {
  return `decode.ts vs infer.ts (Tn = 1), batch 1, fast paths off: shakespeare-char dims (d 384, 6 heads, vocab 65) with ${o.layers} layers, frozen N(0, 1) embedding, prompt ${o.prompt}, ${o.steps} greedy steps, ${o.rounds} interleaved rounds (median)`;
}

/** Measures both variants on `backend` (selected here, fast paths turned off). */
export async function measureDecodeVariants(backend: BackendChoice, o: VariantOptions): Promise<VariantResult> {
  const name = await useBackend(backend);
  setFastPaths(false);
  const cfg = { ...presets['shakespeare-char'], nLayer: o.layers };
  const rng = new Rng(5);
  const embedding = { rows: cfg.vocabSize, dim: cfg.nEmbed, data: rng.normal(new Float32Array(cfg.vocabSize * cfg.nEmbed), 1) };
  const model = createModel(cfg, { embedding, seed: 3 });
  const ids = Int32Array.from({ length: o.prompt }, (_, i) => (i * 37 + 11) % cfg.vocabSize);
  const tStart = performance.now();
  try {
    const warm = { decode: await run(variants.decode, model, ids, o.steps), infer: await run(variants.infer, model, ids, o.steps) };
    let maxLogitDiff = 0;
    warm.decode.rows.forEach((r, i) => r.forEach((v, j) => { maxLogitDiff = Math.max(maxLogitDiff, Math.abs(v - warm.infer.rows[i][j])); }));
    const sameTokens = warm.decode.toks.join() === warm.infer.toks.join();
    const kernels = { decode: await kernelsPerStep(variants.decode, model, ids), infer: await kernelsPerStep(variants.infer, model, ids) };
    const rounds = { decode: [] as number[], infer: [] as number[] };
    for (let r = 0; r < o.rounds; r++) {
      const order = r % 2 === 0 ? (['decode', 'infer'] as const) : (['infer', 'decode'] as const);
      for (const v of order) rounds[v].push((await run(variants[v], model, ids, o.steps)).ms);
    }
    const decodeMs = median(rounds.decode);
    const inferMs = median(rounds.infer);
    const seconds = (performance.now() - tStart) / 1000;
    const line = `${name}: decode.ts ${decodeMs.toFixed(2)} ms/token (${(1000 / decodeMs).toFixed(1)} tok/s), infer.ts Tn=1 ${inferMs.toFixed(2)} ms/token (${(1000 / inferMs).toFixed(1)} tok/s); infer/decode ${(inferMs / decodeMs).toFixed(2)}x; kernels/token ${kernels.decode} vs ${kernels.infer}; tokens ${sameTokens ? 'identical' : 'DIFFER'}, max |logit diff| ${maxLogitDiff.toExponential(1)}; rounds (ms) decode [${rounds.decode.map((t) => t.toFixed(1))}] infer [${rounds.infer.map((t) => t.toFixed(1))}]; ${seconds.toFixed(0)} s`;
    return { backend: name, decodeMs, inferMs, rounds, kernels, sameTokens, maxLogitDiff, seconds, line };
  } finally {
    model.dispose();
  }
}
