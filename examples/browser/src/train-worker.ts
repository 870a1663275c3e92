// The Train tab's worker: tokenizes the pasted text with bvv241-2-3 restricted to the ids it uses (a compact
// vocabulary), draws those tokens' glyphs into a frozen table (or uses a trainable one), trains a tiny GPT with
// @glyphlm/trainer's browser-safe train() and streams progress, then generates from the trained model.
import './wasm-paths.js';
import { createModel, parameterCount, useBackend, type BackendChoice, type GPT } from '@glyphlm/transformer-core';
import { compactVocabulary, tokenizeCorpus, train } from '@glyphlm/trainer';
import { bvv241, type Tokenizer } from '@glyphlm/unicode-tokenizer';
import { buildEmbeddings, defaultFont } from '@glyphlm/glyph-embeddings';
import type { FromWorker, ToWorker } from './train-protocol.js';

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let trained: { model: GPT; tokenizer: Tokenizer } | undefined;
let abort: AbortController | undefined;

async function run(m: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  post({ type: 'status', text: `starting ${m.backend} in the worker…` });
  await useBackend(m.backend as BackendChoice);
  post({ type: 'status', text: 'tokenizing…' });
  const base = bvv241('2-3');
  const full = tokenizeCorpus(base, [m.text], { valFraction: 0.1 });
  const compact = compactVocabulary(base, full);
  const data = compact.compactCorpus(full);
  const nEmbed = 16;
  if (compact.size <= nEmbed) throw new Error(`the text uses only ${compact.size} distinct tokens; paste more varied text`);
  post({ type: 'status', text: `${full.train.length} train / ${full.val.length} val tokens, ${compact.size} distinct ids; drawing glyphs…` });
  const embedding = m.embedding === 'trainable' ? 'trainable' as const
    : await buildEmbeddings(compact.tokenizer, { recipe: 'bvv241-2-3', font: await defaultFont({ url: m.fontUrl }), components: nEmbed });
  const config = { vocabSize: compact.size, nEmbed, dModel: 64, nLayer: 2, nHead: 4, blockSize: 64 };
  trained?.model.dispose();
  const model = createModel(config, { embedding, seed: 1 });
  trained = { model, tokenizer: compact.tokenizer };
  post({ type: 'status', text: 'training…' });
  abort = new AbortController();
  const run = await train({
    model, data, steps: m.steps, batchSize: m.batchSize, seed: 1, lr: 3e-3, minLr: 3e-4, warmupSteps: Math.min(10, m.steps >> 2),
    evalEvery: Math.max(1, Math.floor(m.steps / 5)), evalBatches: 2, signal: abort.signal,
    onProgress: (e) => post({ type: 'progress', step: e.step, steps: e.steps, loss: e.loss, valLoss: e.valLoss, tokensPerSecond: e.tokensPerSecond, etaMs: e.etaMs }),
  });
  const last = run.history[run.history.length - 1];
  post({ type: 'trained', steps: run.step, finalLoss: last?.loss ?? NaN, vocab: compact.size, params: parameterCount(config).toLocaleString('en-US') });
}

async function generate(m: Extract<ToWorker, { type: 'generate' }>): Promise<void> {
  if (!trained) throw new Error('train a model first');
  const { model, tokenizer } = trained;
  const prompt = [...tokenizer.encode(m.prompt)].slice(-(model.config.blockSize - 1));
  if (!prompt.length) throw new Error('type a prompt');
  const ids: number[] = [];
  const maxNewTokens = Math.min(m.maxNewTokens, model.config.blockSize - prompt.length);
  for await (const id of model.generate(prompt, { maxNewTokens, temperature: m.temperature, seed: 1 })) {
    ids.push(id);
    post({ type: 'token', text: tokenizer.decode(ids), ids });
  }
  post({ type: 'generated', ids });
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  if (m.type === 'stop') { abort?.abort(); return; }
  const job = m.type === 'train' ? run(m) : generate(m);
  job.catch((e: unknown) => post({ type: 'error', message: (e as Error)?.message ?? String(e) }));
};
// some imports finish with top-level awaits: messages sent before this point would be lost, so the page waits
post({ type: 'ready' });
