// A TypeScript consumer of every package's main exports, type-checked (strict, NodeNext) inside the temp project
// the pack test installs the tarballs into: a missing .d.ts, a wrong "types"/"exports" entry or a broken
// declaration fails here as it would for a user.
import { bvv241, fromHuggingFace, type Tokenizer } from '@glyphlm/unicode-tokenizer';
import { readSafetensors, writeSafetensors } from '@glyphlm/tensor-io';
import { buildEmbeddings, defaultFont, renderToken, type EmbeddingMatrix } from '@glyphlm/glyph-embeddings';
import { fileCacheStore } from '@glyphlm/glyph-embeddings/node';
import { createModel, loadCheckpoint, presets, setWasmPaths, useBackend, type GPT, type ModelConfig } from '@glyphlm/transformer-core';
import { writeFileAtomic } from '@glyphlm/transformer-core/node';
import { compareArms, compactVocabulary, lossCurveSvg, tokenizeCorpus, train, type TrainOptions, type TrainResult } from '@glyphlm/trainer';
import { progressPrinter, readTextFiles } from '@glyphlm/trainer/node';
import { compareModels, evaluate, loadMMLU, type EvalResult } from '@glyphlm/mmlu-eval';
import { runCli } from '@glyphlm/cli';

export async function consumer(): Promise<[EvalResult, string]> {
  const tok: Tokenizer = bvv241('2-3');
  void fromHuggingFace;
  const ids: Uint32Array = tok.encode('hello');
  const bytes: Uint8Array = writeSafetensors({ x: { dtype: 'F32', shape: [1], data: new Float32Array([1]) } });
  void readSafetensors(bytes);
  const font = await defaultFont();
  const img = renderToken(font, 'A', { recipe: 'bvv241-2-3' });
  const table: EmbeddingMatrix = await buildEmbeddings(tok, { recipe: 'bvv241-2-3', font, cache: fileCacheStore() });
  const backend: string = await useBackend('wasm');
  setWasmPaths('/assets/');
  const config: ModelConfig = { ...presets['test-tiny'], vocabSize: tok.vocabSize, nEmbed: table.dim };
  const model: GPT = createModel(config, { embedding: table, seed: 1 });
  const data = tokenizeCorpus(tok, ['some text'], { valFraction: 0.1 });
  const compact = compactVocabulary(tok, data);
  const options: TrainOptions = { model, data: compact.compactCorpus(data), steps: 1, batchSize: 1, lr: 1e-3, onProgress: progressPrinter() };
  const run: TrainResult = await train(options);
  void compareArms; void readTextFiles; void writeFileAtomic; void loadCheckpoint; void runCli;
  const mmlu = await loadMMLU();
  const r = await evaluate(run.model, tok, mmlu, { protocol: 'harness', limitPerSubject: 1 });
  void compareModels(r, r);
  return [r, lossCurveSvg({ run: run.history }) + backend + ids.length + img.width];
}
