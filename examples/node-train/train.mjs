// Train a GPT above frozen glyph embeddings on your own text files, score it on MMLU under the paper's and the
// lm-evaluation-harness protocols, and generate a sample. After `pnpm build` at the repository root:
//   node train.mjs 'notes/**/*.txt' --steps 300 --out runs/my-model      (then open it in examples/browser)
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { buildEmbeddings, defaultFont } from '@glyphlm/glyph-embeddings';
import { createModel, saveCheckpoint, useBackend } from '@glyphlm/transformer-core';
import { writeFileAtomic } from '@glyphlm/transformer-core/node';
import { compactVocabulary, tokenizeCorpus, train } from '@glyphlm/trainer';
import { progressPrinter, readTextFiles } from '@glyphlm/trainer/node';
import { evaluate, loadMMLU } from '@glyphlm/mmlu-eval';

const { values: o, positionals: files } = parseArgs({ allowPositionals: true, options: {
  steps: { type: 'string', default: '300' }, batch: { type: 'string', default: '8' }, block: { type: 'string', default: '128' },
  dmodel: { type: 'string', default: '128' }, layers: { type: 'string', default: '4' }, out: { type: 'string' },
  'mmlu-subjects': { type: 'string', default: '4' }, 'mmlu-items': { type: 'string', default: '5' },
  prompt: { type: 'string', default: 'The ' }, json: { type: 'boolean', default: false },
} });
if (!files.length) throw new Error('usage: node train.mjs <text files or globs...> [--steps N] [--out dir]');
const int = (k) => { const v = Number(o[k]); if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer, got ${o[k]}`); return v; };
const [steps, batchSize, blockSize, dModel, nLayer] = ['steps', 'batch', 'block', 'dmodel', 'layers'].map(int);
console.log('backend:', await useBackend('auto')); // wasm in Node (tfjs-node when installed)

// 1. Text -> bvv241-2-3 ids, 10 % held out for validation. The compact vocabulary keeps only the ids the text
//    uses (any other token becomes <unk>): a 65,536-row output head would be most of a small model's work.
const base = bvv241('2-3');
const full = await tokenizeCorpus(base, readTextFiles(files), { valFraction: 0.1 });
const compact = compactVocabulary(base, full);
const data = compact.compactCorpus(full);
console.log(`${full.train.length} train + ${full.val.length} val tokens, ${compact.size} distinct ids`);

// 2. The frozen input table: every token drawn with UnifontEX, rasterized and reduced by PCA (the paper's
//    bvv241-2-3 recipe) to nEmbed numbers. Never trained. (For the paper's exact 65,536-row table build it for
//    `base` with `cache: true` and take `compact.selectRows(matrix)`.)
const nEmbed = Math.min(64, dModel);
const glyphs = await buildEmbeddings(compact.tokenizer, { recipe: 'bvv241-2-3', font: await defaultFont(), components: nEmbed });

// 3. A GPT above it (config as plain data) and the training loop: AdamW, warmup + cosine, clipping, val loss.
const config = { vocabSize: compact.size, nEmbed, dModel, nLayer, nHead: dModel / 32, blockSize };
const model = createModel(config, { embedding: glyphs, seed: 1 });
const printer = progressPrinter();
const run = await train({ model, data, steps, batchSize, seed: 1, lr: 1e-3, minLr: 1e-4, warmupSteps: Math.ceil(steps / 20),
  evalEvery: Math.ceil(steps / 5), evalBatches: 4, onProgress: printer });
printer.stop();

// 4. Save it with the tokenizer reference the glyphlm CLI and examples/browser read (glyphlm-tokenizer.json).
if (o.out) {
  await saveCheckpoint(model, o.out);
  await writeFileAtomic(join(o.out, 'glyphlm-tokenizer.json'), JSON.stringify({ format: 'glyphlm-tokenizer-ref', version: 1,
    tokenizer: 'bvv241-2-3', fingerprint: base.fingerprint, compact: { ids: [...compact.fullIds], fingerprint: compact.tokenizer.fingerprint } }));
  console.log(`saved ${o.out}/`);
}

// 5. MMLU (bundled, hendrycks/test pre-release) on the first items of a few subjects, both protocols.
const mmlu = await loadMMLU();
const subjects = mmlu.subjects.slice(0, int('mmlu-subjects'));
const scores = {};
for (const protocol of ['harness', 'paper']) {
  const r = await evaluate(model, compact.tokenizer, mmlu, { protocol, subjects, limitPerSubject: int('mmlu-items') });
  const a = r.accuracy;
  scores[protocol] = { accuracy: a.micro, ci95: a.ci95, n: a.n, invalidRate: a.invalidRate };
  console.log(`MMLU ${protocol}: ${(100 * a.micro).toFixed(1)} % of ${a.n} [${a.ci95.map((x) => (100 * x).toFixed(1)).join(', ')}], ` +
    `chance ${100 * a.chance} %${protocol === 'paper' ? `, invalid format ${(100 * a.invalidRate).toFixed(0)} %` : ''}`);
}

// 6. A sample.
const ids = [], prompt = [...compact.tokenizer.encode(o.prompt)].slice(-(blockSize - 1));
for await (const id of model.generate(prompt, { maxNewTokens: Math.min(60, blockSize - prompt.length), temperature: 0.8, topK: 40, seed: 1 })) ids.push(id);
const sample = compact.tokenizer.decode(ids);
console.log(`sample: ${o.prompt}${sample}`);
const last = run.history[run.history.length - 1];
if (o.json) console.log(JSON.stringify({ steps: run.step, firstLoss: run.history[0].loss, lastLoss: last.loss, valLoss: last.valLoss, vocab: compact.size, mmlu: scores, sample }));
model.dispose();
