// Worker thread of the Node head pool (node-head-pool.ts): holds a column block of the transposed output head on
// its own tfjs-wasm instance and returns x @ block for each hidden vector it receives.
import { parentPort } from 'node:worker_threads';
import { tf } from './tf.js';

let block: tf.Tensor2D | null = null;
let d = 0;

parentPort!.on('message', async (msg: { type: string; d?: number; cols?: number; data?: Float32Array; x?: Float32Array; id?: number }) => {
  if (msg.type === 'init') {
    await tf.setBackend('wasm');
    await tf.ready();
    d = msg.d!;
    block = tf.tensor2d(msg.data!, [d, msg.cols!]);
    parentPort!.postMessage({ type: 'ready' });
  } else if (msg.type === 'logits') {
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(msg.x!, [msg.x!.length / d, d]), block!));
    const data = (await out.data()) as Float32Array;
    out.dispose();
    parentPort!.postMessage({ type: 'logits', id: msg.id, data }, [data.buffer as ArrayBuffer]);
  } else if (msg.type === 'close') {
    block?.dispose();
    parentPort!.close();
  }
});
