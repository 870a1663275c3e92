// Preparing an experiment: tokenizer, corpus plan (embedded default or files), the MMLU val instruction mix,
// tokenizeCorpus, the compact vocabulary, the glyph matrix (cached on disk) and its compact rows, the arms, and the
// shards + tokenizer sidecar written into the run folder (for export-torch and for generate/eval on the arms).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadMMLU, type MMLU } from '@glyphlm/mmlu-eval';
import { resolveArm, tokenizeCorpus, type ArmSpec, type CorpusData, type ResolvedArm } from '@glyphlm/trainer';
import { writeShards } from '@glyphlm/trainer/node';
import { defaultFont, type EmbeddingMatrix } from '@glyphlm/glyph-embeddings';
import type { ModelConfig } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import { buildMatrix } from '../cli/embeddings.js';
import { resolveTokenizer } from '../cli/tokenizer.js';
import { embeddedCorpus, filesCorpus, type CorpusPlan } from '../corpus/corpus-plan.js';
import { mmluInstructionExamples } from '../corpus/instructions.js';
import { compactFor, type CompactResult } from './compact.js';
import { writeTokenizerSidecar } from '../cli/sidecar.js';
import type { ResolvedExperiment } from './options.js';
import type { ArmName } from './presets.js';

export const GLYPH_RECIPE = 'bvv241-2-3';

export interface Prepared {
  baseTokenizer: Tokenizer;
  /** The tokenizer the models use (compact or the base one). */
  tokenizer: Tokenizer;
  compact: CompactResult | null;
  plan: CorpusPlan;
  mmlu: MMLU;
  sftExamples: number;
  data: CorpusData;
  /** The frozen glyph table (compact rows when compact). */
  glyph: EmbeddingMatrix;
  glyphFont: string;
  config: ModelConfig;
  arms: Map<ArmName, ResolvedArm>;
}

export function armSpec(name: ArmName, glyph: EmbeddingMatrix): ArmSpec {
  switch (name) {
    case 'frozen': return glyph;
    case 'trainable': return 'trainable';
    case 'trainable-from-glyph': return { trainableFrom: glyph };
    case 'random-binary': return { ablation: 'random-binary', seed: 0 };
  }
}

export const ARM_LABELS: Record<ArmName, string> = {
  frozen: 'frozen glyph',
  trainable: 'trainable',
  'trainable-from-glyph': 'trainable from glyph',
  'random-binary': 'frozen random-binary',
};

export async function prepareExperiment(exp: ResolvedExperiment, outDir: string, log: (s: string) => void): Promise<Prepared> {
  const p = exp.preset;
  const baseTokenizer = resolveTokenizer(exp.tokenizer);
  const plan = exp.corpusFiles ? filesCorpus(exp.corpusFiles) : embeddedCorpus(p.corpus);
  const mmlu = await loadMMLU();
  const examples = mmluInstructionExamples(mmlu.val);
  const full = tokenizeCorpus(baseTokenizer, plan.documents, {
    valFraction: p.corpus.valFraction, seed: 1, blockSize: p.model.blockSize,
    sft: { examples, ratio: p.corpus.sftRatio },
  });
  log(`corpus: ${plan.documents.length} documents -> ${full.train.length.toLocaleString('en-US')} train / ${full.val.length.toLocaleString('en-US')} val tokens (${plan.description})`);
  const compact = exp.compact ? compactFor(baseTokenizer, full) : null;
  const tokenizer = compact ? compact.tokenizer : baseTokenizer;
  const data = compact ? compact.data : full;
  if (compact) log(`compact vocabulary: ${compact.tokenizer.vocabSize.toLocaleString('en-US')} of ${baseTokenizer.vocabSize.toLocaleString('en-US')} ids (${compact.rule})`);
  const font = await defaultFont();
  const matrix = await buildMatrix(baseTokenizer, { recipe: GLYPH_RECIPE, font, components: p.model.nEmbed, onProgress: undefined });
  log(`glyph matrix: ${matrix.rows} x ${matrix.dim} (${GLYPH_RECIPE}${matrix.meta.cacheHit ? ', from cache' : ''})`);
  const glyph = compact ? compact.selectRows(matrix) : matrix;
  const config: ModelConfig = { vocabSize: tokenizer.vocabSize, ...p.model };
  const arms = new Map<ArmName, ResolvedArm>();
  for (const a of p.arms) arms.set(a, resolveArm(a, armSpec(a, glyph), config));
  const dataDir = join(outDir, 'data');
  if (!existsSync(join(dataDir, 'corpus.json'))) await writeShards(data, dataDir);
  await writeTokenizerSidecar(outDir, baseTokenizer, exp.tokenizer, compact);
  const fontName = String((matrix.meta as Record<string, unknown>).font ?? (matrix.meta as Record<string, unknown>).fontName ?? 'UnifontEX (bundled default)');
  return { baseTokenizer, tokenizer, compact, plan, mmlu, sftExamples: examples.length, data, glyph, glyphFont: fontName, config, arms };
}
