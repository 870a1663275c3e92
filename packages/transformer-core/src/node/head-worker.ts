// Worker thread of the Node head pool (head-pool.ts): holds a column block of the transposed output head and
// returns x @ block for each hidden vector it receives (the wasm SIMD gemv kernel, no tfjs).
import { parentPort } from 'node:worker_threads';
import { HeadBlock } from '../wasm/head-block.js';

let block: HeadBlock | null = null;

parentPort!.on('message', (msg: { type: string; d?: number; cols?: number; data?: Float32Array; x?: Float32Array; id?: number }) => {
  if (msg.type === 'init') {
    try {
      block = new HeadBlock(msg.d!, msg.cols!, msg.data!);
      parentPort!.postMessage({ type: 'ready' });
    } catch (e) {
      parentPort!.postMessage({ type: 'failed', message: (e as Error).message });
    }
  } else if (msg.type === 'logits') {
    const data = block!.logits(msg.x!);
    parentPort!.postMessage({ type: 'logits', id: msg.id, data }, [data.buffer as ArrayBuffer]);
  } else if (msg.type === 'close') {
    block = null;
    parentPort!.close();
  }
});
