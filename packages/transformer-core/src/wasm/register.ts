// Everything this package adds to the wasm backend, from one explicit list (as tfjs-backend-wasm's own
// register_all_kernels.ts): index.ts imports this module, which registers the kernels with tfjs once and tells
// fast-paths.ts what wasm can run instead of the plain tfjs path. This file's imports answer "what runs on wasm":
//
//   unsorted-segment-sum.ts  UnsortedSegmentSum: the gather gradient (a trainable table); wasm lacks it, not a fast path
//   gelu.ts                  GELU and its gradient, for ops.ts gelu: training forward, prefill, scoring, tfjs decode
//   attention.ts             causal self-attention and its gradient, for ops.ts selfAttention: the training forward
//                            (not with dropout, which the kernel lacks: the plain tfjs attention runs then)
//   layer-norm.ts            LayerNorm of inference (layer-norm.wat), for layer-norm.ts layerNormInfer: scoring,
//                            prefill, tfjs decode
//   qkv-heads.ts             an inference step's queries, transposed keys and values per (row, head), for infer.ts:
//                            prefill, scoring's prefixes and suffixes
//   infer-attention.ts       an inference step's attention where no row has a cache of its own (keys, values, the join
//                            to a cached prefix, scores, softmax, outputs), for infer.ts: prefill, scoring
//   row-logprobs.ts          log-softmax at picked entries of logits rows and each row's argmax, for scoring.ts
//   gather-rows.ts           rows of a table by id, for gather-rows.ts gatherRows: every embedding lookup
//   head-xent.ts             output head + cross-entropy + gradients, for head.ts headCrossEntropy: model.loss
//   wasm-decoder.ts          the batch-1 decoder, for stepper.ts: every token generate() produces after the prompt
//
// So `generate` on wasm runs infer.ts (the prompt's prefill: tfjs products with the LayerNorm, INFER_ATTENTION and GELU kernels), then WasmDecoder once per
// new token (gemv.wat products on the model's weights in place, layer-norm.ts / rotary.ts math, gelu.wat), then
// sampling.ts. With setFastPaths(false) (or generate's fastDecode: false) decode.ts's tfjs steps replace WasmDecoder.
// The fast paths need wasm SIMD and tfjs-backend-wasm 4.22's single-threaded heap internals (heap.ts).
import { tf } from '../tf.js';
import { FAST_KERNELS } from '../fast-kernels.js';
import { registerFastPaths } from '../fast-paths.js';
import { wasmHeap } from './heap.js';
import { gemvKernel, geluKernel, layerNormKernel, softmaxRowsKernel } from './kernel.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';
import { geluKernelConfigs } from './gelu.js';
import { attentionKernelConfigs } from './attention.js';
import { headXentKernelConfigs } from './head-xent.js';
import { qkvHeadsKernelConfigs } from './qkv-heads.js';
import { layerNormKernelConfigs } from './layer-norm.js';
import { inferAttentionKernelConfigs } from './infer-attention.js';
import { rowLogprobsKernelConfigs } from './row-logprobs.js';
import { gatherRowsKernelConfigs } from './gather-rows.js';
import { WasmDecoder } from './wasm-decoder.js';

const kernels: tf.KernelConfig[] = [unsortedSegmentSumConfig, ...geluKernelConfigs, ...attentionKernelConfigs, ...qkvHeadsKernelConfigs, ...inferAttentionKernelConfigs, ...rowLogprobsKernelConfigs, ...gatherRowsKernelConfigs, ...layerNormKernelConfigs, ...headXentKernelConfigs];

/** Whether the active backend is a wasm backend the fast paths can run on (SIMD kernels compile, heap internals present). */
function usable(): boolean {
  const heap = wasmHeap();
  return !!heap && !!gemvKernel(heap.memory) && !!softmaxRowsKernel(heap.memory) && !!geluKernel(heap.memory) && !!layerNormKernel(heap.memory);
}

/** Registers the list above (once; later calls do nothing). */
export function registerWasmKernels(): void {
  for (const k of kernels) if (!tf.getKernel(k.kernelName, k.backendName)) tf.registerKernel(k);
  registerFastPaths({
    backend: 'wasm',
    kernels: Object.values(FAST_KERNELS),
    usable,
    decoder: (model) => WasmDecoder.create(model),
  });
}

registerWasmKernels();
