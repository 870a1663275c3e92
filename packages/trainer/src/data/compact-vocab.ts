// Compact vocabulary: a tokenizer restricted to the ids a corpus uses (plus chosen extras), the id maps both ways,
// and the matching rows of any EmbeddingMatrix. A 65,536-row output head is most of a small model's FLOPs, while
// tiny shakespeare uses ~1,800 distinct bvv241-2-3 ids. Ids outside the kept set encode to the fallback id (the
// tokenizer's unknown token, always kept).
import { sha256Hex, type Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { EmbeddingMatrix } from '@glyphlm/glyph-embeddings';
import type { CorpusData } from './types.js';
import { corpusFingerprint } from './fingerprint.js';

export interface CompactVocabularyOptions {
  /** Extra ids (numbers) or special-token names (e.g. '</s>') to keep whatever their count. */
  keep?: Array<number | string>;
  /** Keep an id only when it occurs at least this often in the corpus (default 1). */
  minCount?: number;
  /**
   * Full-vocabulary id (or special-token name) that stands for every id outside the kept set. Default: the
   * tokenizer's unknown token (`<unk>`, `[UNK]`, `<|unk|>`, `<UNK>`); no such token and no fallback is an error.
   */
  fallback?: number | string;
}

export interface CompactVocabulary {
  /** The restricted tokenizer: ids 0..size-1, encode maps dropped ids to the fallback. */
  tokenizer: Tokenizer;
  /** The base tokenizer. */
  base: Tokenizer;
  /** Full id of each compact id, ascending. */
  fullIds: Uint32Array;
  /** Number of kept ids (= tokenizer.vocabSize). */
  size: number;
  /** Compact id of the fallback. */
  fallbackId: number;
  /** SHA-256 hex of the base tokenizer fingerprint, the kept ids and the fallback. */
  fingerprint: string;
  /** Full ids -> compact ids; dropped ids become the fallback, or with `strict` an error naming id and position. */
  toCompact(ids: ArrayLike<number>, opts?: { strict?: boolean }): Uint32Array;
  /** Compact ids -> full ids (error naming a bad id and its position). */
  toFull(ids: ArrayLike<number>): Uint32Array;
  /** The matching rows of a full-vocabulary matrix (meta records the compaction). */
  selectRows(matrix: EmbeddingMatrix): EmbeddingMatrix;
  /** A corpus in compact ids (fingerprint recomputed; meta.compactVocabulary records the compaction). */
  compactCorpus(data: CorpusData): CorpusData;
}

const UNK_NAMES = ['<unk>', '[UNK]', '<|unk|>', '<UNK>'];

function resolveId(base: Tokenizer, x: number | string, field: string): number {
  if (typeof x === 'string') {
    const id = base.specialTokens[x];
    if (id === undefined) throw new RangeError(`compactVocabulary: ${field} ${JSON.stringify(x)} is not a special token of ${base.name}`);
    return id;
  }
  if (!Number.isInteger(x) || x < 0 || x >= base.vocabSize) throw new RangeError(`compactVocabulary: ${field} ${x} is outside the vocabulary of ${base.name} (0..${base.vocabSize - 1})`);
  return x;
}

function isCorpusData(x: unknown): x is CorpusData {
  return !!x && typeof x === 'object' && (x as CorpusData).train instanceof Uint32Array && (x as CorpusData).val instanceof Uint32Array;
}

/**
 * Restrict `base` to the ids of a corpus (CorpusData: train and val; or id arrays), plus `keep`, the fallback and
 * the corpus separator. Compact ids follow ascending full ids.
 */
export function compactVocabulary(base: Tokenizer, corpus: CorpusData | ArrayLike<number> | ArrayLike<number>[], opts: CompactVocabularyOptions = {}): CompactVocabulary {
  const V = base.vocabSize;
  const minCount = opts.minCount ?? 1;
  if (!Number.isInteger(minCount) || minCount < 1) throw new RangeError(`compactVocabulary: minCount must be a positive integer, got ${minCount}`);
  let fallback: number | undefined;
  if (opts.fallback !== undefined) fallback = resolveId(base, opts.fallback, 'fallback');
  else for (const n of UNK_NAMES) if (base.specialTokens[n] !== undefined) { fallback = base.specialTokens[n]; break; }
  if (fallback === undefined) {
    throw new RangeError(`compactVocabulary: ${base.name} has no unknown token (${UNK_NAMES.join(', ')}) to stand for dropped ids; pass options.fallback`);
  }
  const counts = new Uint32Array(V);
  const sources: ArrayLike<number>[] = isCorpusData(corpus) ? [corpus.train, corpus.val]
    : Array.isArray(corpus) && corpus.length > 0 && typeof corpus[0] !== 'number' ? (corpus as ArrayLike<number>[]) : [corpus as ArrayLike<number>];
  sources.forEach((ids, s) => {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < V) || !Number.isInteger(id)) throw new RangeError(`compactVocabulary: corpus ${sources.length > 1 ? `part ${s}, ` : ''}position ${i}: id ${id} is outside the vocabulary of ${base.name} (0..${V - 1})`);
      counts[id]++;
    }
  });
  const keep = new Uint8Array(V);
  for (let id = 0; id < V; id++) if (counts[id] >= minCount) keep[id] = 1;
  keep[fallback] = 1;
  for (const k of opts.keep ?? []) keep[resolveId(base, k, 'keep')] = 1;
  if (isCorpusData(corpus) && corpus.meta.separatorId >= 0 && corpus.meta.separatorId < V) keep[corpus.meta.separatorId] = 1;
  let n = 0;
  for (let id = 0; id < V; id++) n += keep[id];
  const fullIds = new Uint32Array(n);
  const compactOf = new Int32Array(V).fill(-1);
  for (let id = 0, k = 0; id < V; id++) if (keep[id]) { fullIds[k] = id; compactOf[id] = k++; }
  const fallbackId = compactOf[fallback];
  const fpBytes = new Uint8Array(fullIds.length * 4 + 8);
  const dv = new DataView(fpBytes.buffer);
  fullIds.forEach((id, i) => dv.setUint32(i * 4, id, true));
  dv.setUint32(fullIds.length * 4, fallback, true);
  dv.setUint32(fullIds.length * 4 + 4, V, true);
  const head = new TextEncoder().encode(`glyphlm-compact/1 ${base.fingerprint}\n`);
  const all = new Uint8Array(head.length + fpBytes.length);
  all.set(head);
  all.set(fpBytes, head.length);
  const fingerprint = sha256Hex(all);

  const toCompact = (ids: ArrayLike<number>, o: { strict?: boolean } = {}): Uint32Array => {
    const out = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const c = id >= 0 && id < V ? compactOf[id] : -2;
      if (c === -2 || !Number.isInteger(id)) throw new RangeError(`toCompact: id ${id} at position ${i} is outside the vocabulary of ${base.name} (0..${V - 1})`);
      if (c < 0) {
        if (o.strict) throw new RangeError(`toCompact: id ${id} at position ${i} is not in the compact vocabulary`);
        out[i] = fallbackId;
      } else out[i] = c;
    }
    return out;
  };
  const toFull = (ids: ArrayLike<number>): Uint32Array => {
    const out = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const c = ids[i];
      if (!(Number.isInteger(c) && c >= 0 && c < n)) throw new RangeError(`toFull: id ${c} at position ${i} is outside the compact vocabulary (0..${n - 1})`);
      out[i] = fullIds[c];
    }
    return out;
  };
  const specialTokens: Record<string, number> = {};
  for (const [name, id] of Object.entries(base.specialTokens)) if (compactOf[id] >= 0) specialTokens[name] = compactOf[id];
  const checkCompact = (id: number) => {
    if (!(Number.isInteger(id) && id >= 0 && id < n)) throw new RangeError(`id ${id} is outside the compact vocabulary (0..${n - 1})`);
    return fullIds[id];
  };
  const tokenizer: Tokenizer & { compact: { base: Tokenizer; fullIds: Uint32Array; fallback: number } } = {
    name: `${base.name}+compact-${n}`,
    vocabSize: n,
    specialTokens: Object.freeze(specialTokens),
    fingerprint,
    encode: (text: string) => toCompact(base.encode(text)),
    decode: (ids: ArrayLike<number>) => base.decode(toFull(ids)),
    tokenString: (id: number) => base.tokenString(checkCompact(id)),
    isSpecial: (id: number) => base.isSpecial(checkCompact(id)),
    toHuggingFaceJSON: () => {
      throw new Error(`${base.name}+compact-${n}: a compact vocabulary has no tokenizer.json form; save the base tokenizer and fullIds`);
    },
    compact: { base, fullIds, fallback },
  };

  const compactMeta = { fingerprint, size: n, fullVocabSize: V, baseTokenizer: base.name, baseTokenizerFingerprint: base.fingerprint, fallback };
  const selectRows = (m: EmbeddingMatrix): EmbeddingMatrix => {
    if (!m || !(m.data instanceof Float32Array)) throw new TypeError('selectRows: matrix must be an EmbeddingMatrix (rows, dim, data: Float32Array)');
    if (m.rows !== V) throw new RangeError(`selectRows: matrix has ${m.rows} rows; ${base.name} has ${V} ids`);
    if (m.data.length !== m.rows * m.dim) throw new RangeError(`selectRows: matrix data has ${m.data.length} values for ${m.rows} x ${m.dim}`);
    if (m.meta?.tokenizerFingerprint && m.meta.tokenizerFingerprint !== base.fingerprint) {
      throw new RangeError(`selectRows: matrix meta.tokenizerFingerprint ${m.meta.tokenizerFingerprint} is not ${base.name}'s ${base.fingerprint}`);
    }
    const data = new Float32Array(n * m.dim);
    for (let k = 0; k < n; k++) data.set(m.data.subarray(fullIds[k] * m.dim, (fullIds[k] + 1) * m.dim), k * m.dim);
    return { rows: n, dim: m.dim, data, meta: { ...m.meta, tokenizer: tokenizer.name, tokenizerFingerprint: fingerprint, compactVocabulary: compactMeta } };
  };
  const compactCorpus = (d: CorpusData): CorpusData => {
    if (!isCorpusData(d)) throw new TypeError('compactCorpus: data must be CorpusData');
    if (d.vocabSize !== V) throw new RangeError(`compactCorpus: data.vocabSize ${d.vocabSize} is not ${base.name}'s ${V}`);
    if (d.meta.tokenizerFingerprint !== base.fingerprint) throw new RangeError(`compactCorpus: data.meta.tokenizerFingerprint is not ${base.name}'s`);
    const out: CorpusData = {
      train: toCompact(d.train), val: toCompact(d.val), vocabSize: n,
      meta: {
        ...d.meta, tokenizer: tokenizer.name, tokenizerFingerprint: fingerprint,
        separatorId: d.meta.separatorId >= 0 ? compactOf[d.meta.separatorId] : -1, compactVocabulary: compactMeta,
      },
    };
    if (d.trainMask) out.trainMask = d.trainMask;
    if (d.valMask) out.valMask = d.valMask;
    out.meta.fingerprint = corpusFingerprint(out);
    return out;
  };
  return { tokenizer, base, fullIds, size: n, fallbackId, fingerprint, toCompact, toFull, selectRows, compactCorpus };
}
