// The private tfjs-backend-wasm internals of heap.ts, checked loudly: a tfjs upgrade that renames or drops one fails
// here by name (the fast paths would otherwise just turn themselves off), and what they are used for still works —
// a tensor's bytes sit at its memoryOffset, and a heap region registered under a fresh id multiplies through the
// backend's BatchMatMul.
import { beforeAll, describe, expect, it } from 'vitest';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { heapOffset, missingWasmInternals, wasmHeap } from './heap.js';
import { HeapMatMul } from './xnn-matmul.js';

tf.env().set('IS_TEST', false);

describe('tfjs-backend-wasm internals (heap.ts)', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
  });

  it(`are all present in tfjs-backend-wasm ${version_wasm} (4.22.0: re-check heap.ts's list on any upgrade)`, () => {
    expect(missingWasmInternals(tf.backend())).toEqual([]);
    expect(version_wasm).toBe('4.22.0');
    expect(wasmHeap()).not.toBeNull();
  });

  it('a tensor lives at its memoryOffset, and a heap region multiplies through BatchMatMul', async () => {
    const heap = wasmHeap()!;
    const rng = new Rng(3);
    const a = tf.tensor2d(rng.normal(new Float32Array(5 * 7), 1), [5, 7]);
    const b = tf.tensor2d(rng.normal(new Float32Array(7 * 3), 1), [7, 3]);
    const out = tf.zeros([5, 3]);
    const F = new Float32Array(heap.memory.buffer);
    expect(Array.from(F.subarray(heapOffset(heap, a) >> 2, (heapOffset(heap, a) >> 2) + 35))).toEqual(Array.from(await a.data()));
    const mm = new HeapMatMul(heap.backend);
    mm.matMul(mm.region(heapOffset(heap, a), 5, 7), mm.region(heapOffset(heap, b), 7, 3), mm.region(heapOffset(heap, out), 5, 3));
    mm.releaseAll();
    const want = tf.matMul(a, b);
    const got = new Float32Array(heap.memory.buffer).slice(heapOffset(heap, out) >> 2, (heapOffset(heap, out) >> 2) + 15);
    const ref = (await want.data()) as Float32Array;
    got.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-5 * (1 + Math.abs(ref[i]))));
    tf.dispose([a, b, out, want]);
  });

  it('names what another backend lacks, and is null there', async () => {
    expect(missingWasmInternals({})).toEqual([
      'wasm.asm.memory (a WebAssembly.Memory)', 'dataIdMap.has/get', 'dataIdNextNumber',
      'makeOutput', 'disposeData', 'readSync', 'typedArrayFromHeap', 'wasm.cwrap', 'wasm.tfjs.registerTensor/disposeData',
    ]);
    await tf.setBackend('cpu');
    expect(wasmHeap()).toBeNull();
    expect(missingWasmInternals(tf.backend()).length).toBeGreaterThan(0);
    await tf.setBackend('wasm');
  });
});
