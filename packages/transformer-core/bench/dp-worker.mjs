// Data-parallel training worker for the bench: its own tfjs-wasm instance and model copy (same seed, so the same
// weights); computes gradients on its half of the batch, applies the averaged gradients with its own AdamW, so
// every copy stays identical (the same arithmetic on the same numbers).
import { parentPort, workerData } from 'node:worker_threads';
import { tf, useBackend, createModel, presets, AdamW } from '../dist/index.js';

await useBackend('wasm');
const cfg = presets[workerData.name];
const emb = workerData.kind === 'frozen' ? { rows: cfg.vocabSize, dim: cfg.nEmbed, data: new Float32Array(workerData.table) } : 'trainable';
const model = createModel(cfg, { embedding: emb, seed: 1 });
const opt = new AdamW();
parentPort.on('message', async (msg) => {
  if (msg.type === 'step') {
    const { value, grads } = tf.variableGrads(() => model.loss(msg.ids, msg.targets), model.trainableVariables);
    const arrays = [];
    for (const v of model.trainableVariables) arrays.push(grads[v.name] ? await grads[v.name].data() : new Float32Array(v.size));
    const loss = (await value.data())[0];
    value.dispose();
    Object.values(grads).forEach((g) => g.dispose());
    parentPort.postMessage({ type: 'grads', loss, arrays }, arrays.map((a) => a.buffer));
  } else if (msg.type === 'apply') {
    const grads = {};
    model.trainableVariables.forEach((v, i) => { grads[v.name] = tf.tensor(msg.arrays[i], v.shape); });
    opt.applyGradients(grads);
    Object.values(grads).forEach((g) => g.dispose());
    parentPort.postMessage({ type: 'applied' });
  } else if (msg.type === 'close') {
    opt.dispose();
    model.dispose();
    parentPort.close();
  }
});
parentPort.postMessage({ type: 'ready' });
