// Data of the specialists experiment: each script's UDHR declarations cut into documents and tokenized with the
// trainer's tokenizeCorpus (document split train/val by seeded hash, the MMLU val instruction mix in both splits),
// a script-pure validation set per corpus (the same val documents without the instruction mix), ONE compact
// vocabulary over the union of both corpora (so both specialists share every row), the frozen glyph table's
// matching rows, and the frozen arm both specialists start from.
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { compactVocabulary, resolveArm, tokenizeCorpus, type CorpusData, type ResolvedArm } from '@glyphlm/trainer';
import { writeShards } from '@glyphlm/trainer/node';
import { defaultFont, type EmbeddingMatrix } from '@glyphlm/glyph-embeddings';
import { loadMMLU, type MMLU } from '@glyphlm/mmlu-eval';
import type { ModelConfig } from '@glyphlm/transformer-core';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import { buildMatrix } from '../cli/embeddings.js';
import { resolveTokenizer } from '../cli/tokenizer.js';
import { writeTokenizerSidecar } from '../cli/sidecar.js';
import { groupParagraphs } from '../corpus/chunks.js';
import { mmluInstructionExamples } from '../corpus/instructions.js';
import { dominantScript } from '../corpus/scripts.js';
import { readDeclarations } from '../corpus/udhr.js';
import { GLYPH_RECIPE } from './prepare.js';
import type { SpecialistCorpus, SpecialistsPreset } from './specialists-presets.js';

export const SPECIALISTS_TOKENIZER = 'bvv241-2-3';

export interface SpecialistData {
  corpus: SpecialistCorpus;
  /** Training data in compact ids (train + val splits, with the instruction mix). */
  data: CorpusData;
  /** The val documents without the instruction mix, in compact ids: the script's validation set. */
  pureVal: Uint32Array;
  chars: number;
  documents: number;
  /** The corpus's declarations (code, name, characters, dominant script). */
  sources: Array<{ code: string; name: string; chars: number; script: string }>;
}

export interface PreparedSpecialists {
  baseTokenizer: Tokenizer;
  tokenizer: Tokenizer;
  compactRule: string;
  specialists: [SpecialistData, SpecialistData];
  mmlu: MMLU;
  sftExamples: number;
  glyph: EmbeddingMatrix;
  config: ModelConfig;
  arm: ResolvedArm;
}

export async function prepareSpecialists(p: SpecialistsPreset, outDir: string, log: (s: string) => void): Promise<PreparedSpecialists> {
  const base = resolveTokenizer(SPECIALISTS_TOKENIZER);
  const mmlu = await loadMMLU();
  const examples = mmluInstructionExamples(mmlu.val);
  const raw = p.corpora.map((c) => {
    const decls = readDeclarations(c.udhrCodes);
    const documents = decls.flatMap((d) => groupParagraphs(d.paragraphs, p.documentChars));
    const opts = { valFraction: p.valFraction, seed: 1, blockSize: p.model.blockSize };
    const full = tokenizeCorpus(base, documents, { ...opts, sft: { examples, ratio: p.sftRatio } });
    const pure = tokenizeCorpus(base, documents, opts);
    const sources = decls.map((d) => { const t = d.paragraphs.join('\n'); return { code: d.code, name: d.name, chars: t.length, script: dominantScript(t) }; });
    for (const s of sources) if (s.script !== c.script) throw new RangeError(`specialists preset: declaration ${s.code} is in script ${s.script}, corpus '${c.key}' is ${c.script}`);
    log(`${c.key}: ${documents.length} documents -> ${full.train.length.toLocaleString('en-US')} train / ${full.val.length.toLocaleString('en-US')} val tokens (${pure.val.length.toLocaleString('en-US')} without the instruction mix)`);
    return { c, full, pure, chars: sources.reduce((s, x) => s + x.chars, 0), documents: documents.length, sources };
  });
  // one vocabulary over the union of both corpora (and both separators), so the specialists share every row
  const compact = compactVocabulary(base, raw.flatMap((r) => [r.full.train, r.full.val, r.pure.val]), {
    keep: [...new Set(raw.map((r) => r.full.meta.separatorId))],
  });
  const unk = base.tokenString(compact.fullIds[compact.fallbackId]);
  const compactRule = `the ${compact.size.toLocaleString('en-US')} ids that occur in either corpus (train + val, with the instruction mix); any other token encodes to ${unk}`;
  log(`compact vocabulary (union of both corpora): ${compact.size.toLocaleString('en-US')} of ${base.vocabSize.toLocaleString('en-US')} ids`);
  const specialists = raw.map((r) => ({
    corpus: r.c, data: compact.compactCorpus(r.full), pureVal: compact.toCompact(r.pure.val), chars: r.chars, documents: r.documents, sources: r.sources,
  })) as [SpecialistData, SpecialistData];
  const matrix = await buildMatrix(base, { recipe: GLYPH_RECIPE, font: await defaultFont(), components: p.model.nEmbed });
  log(`glyph matrix: ${matrix.rows} x ${matrix.dim} (${GLYPH_RECIPE}${matrix.meta.cacheHit ? ', from cache' : ''}); ${compact.size} rows kept`);
  const glyph = compact.selectRows(matrix);
  const config: ModelConfig = { vocabSize: compact.size, ...p.model };
  const arm = resolveArm('frozen', glyph, config);
  for (const s of specialists) {
    const dir = join(outDir, 'specialists', s.corpus.key, 'data');
    if (!existsSync(join(dir, 'corpus.json'))) await writeShards(s.data, dir);
  }
  await writeTokenizerSidecar(outDir, base, SPECIALISTS_TOKENIZER, {
    tokenizer: compact.tokenizer, data: specialists[0].data, ids: compact.fullIds, selectRows: (m) => compact.selectRows(m), rule: compactRule,
  });
  return { baseTokenizer: base, tokenizer: compact.tokenizer, compactRule, specialists, mmlu, sftExamples: examples.length, glyph, config, arm };
}
