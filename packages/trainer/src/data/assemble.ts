// Turns encoded documents (and encoded SFT examples) into CorpusData: id checks, the train/val split, the SFT
// interleaving, separators, masks, the block-size check and the fingerprint. Shared by the sync, async and
// worker-thread paths, so all three give identical results.
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { CorpusData, CorpusMeta } from './types.js';
import type { ResolvedOptions } from './corpus-options.js';
import { DocumentIds, StreamBuilder } from './id-buffer.js';
import { isValDocument, tailCut } from './split.js';
import { chooseExamples, insertionPoints, splitExamples, type EncodedExample } from './sft.js';
import { corpusFingerprint, type HashParts } from './fingerprint.js';

/** Throw naming the document and position of the first id outside 0..vocabSize-1. */
export function checkDocumentIds(docs: DocumentIds, vocabSize: number, what = 'document'): void {
  for (let d = 0; d < docs.documents; d++) {
    const ids = docs.doc(d);
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] >= vocabSize) throw new RangeError(`tokenizeCorpus: ${what} ${d}, token ${i}: id ${ids[i]} is outside the vocabulary (0..${vocabSize - 1})`);
    }
  }
}

interface Segment { start: number; end: number }
interface SplitPlan { segments: Segment[]; documents: number; boundaries: number[] }

const TRAIN_SALT = 0x3c6ef372;
const VAL_SALT = 0xa54ff53a;

export function assembleCorpus(
  tokenizer: Tokenizer, docs: DocumentIds, sftExamples: EncodedExample[] | null, o: ResolvedOptions, hash?: HashParts,
): CorpusData {
  if (docs.documents === 0 || docs.length === 0) {
    throw new RangeError(`tokenizeCorpus: empty corpus (${docs.documents} documents, ${docs.chars} characters, 0 tokens)`);
  }
  checkDocumentIds(docs, o.vocabSize);
  const sep = o.separatorId;
  const sepLen = sep === null ? 0 : 1;

  // Pack every document followed by the separator; the split is a list of [start, end) ranges of that stream.
  const docStart: number[] = [];
  let total = 0;
  for (let d = 0; d < docs.documents; d++) { docStart.push(total); total += docs.doc(d).length + sepLen; }
  docStart.push(total);

  let mode: 'documents' | 'tail' = o.split === 'tail' ? 'tail' : 'documents';
  const valDoc = new Uint8Array(docs.documents);
  let nVal = 0;
  for (let d = 0; d < docs.documents; d++) if (isValDocument(o.seed, d, o.valFraction)) { valDoc[d] = 1; nVal++; }
  if (mode === 'documents' && o.valFraction > 0 && (nVal === 0 || nVal === docs.documents)) {
    if (o.split === 'documents') {
      throw new RangeError(`tokenizeCorpus: split 'documents' put ${nVal} of ${docs.documents} documents into val with valFraction ${o.valFraction}; use more documents or split 'tail'`);
    }
    mode = 'tail';
  }

  const plans: { train: SplitPlan; val: SplitPlan } = { train: { segments: [], documents: 0, boundaries: [] }, val: { segments: [], documents: 0, boundaries: [] } };
  if (mode === 'documents') {
    for (const name of ['train', 'val'] as const) {
      const p = plans[name];
      let at = 0;
      for (let d = 0; d < docs.documents; d++) {
        if ((valDoc[d] === 1) !== (name === 'val')) continue;
        p.boundaries.push(at);
        p.segments.push({ start: docStart[d], end: docStart[d + 1] });
        at += docStart[d + 1] - docStart[d];
        p.documents++;
      }
      p.boundaries.push(at);
    }
  } else {
    const cut = o.valFraction > 0 ? tailCut(total, o.valFraction) : total;
    plans.train.segments.push({ start: 0, end: cut });
    plans.val.segments.push({ start: cut, end: total });
    for (let d = 0; d < docs.documents; d++) {
      if (docStart[d] < cut) { plans.train.documents++; plans.train.boundaries.push(docStart[d]); }
      if (docStart[d + 1] > cut) {
        plans.val.documents++;
        if (docStart[d] >= cut) plans.val.boundaries.push(docStart[d] - cut);
      }
    }
    if (!plans.val.boundaries.length || plans.val.boundaries[0] !== 0) plans.val.boundaries.unshift(0);
    plans.train.boundaries.push(cut);
    plans.val.boundaries.push(total - cut);
    if (cut === total) plans.val = { segments: [], documents: 0, boundaries: [] };
  }

  // SFT: which examples each split may use, how many tokens each split gets, where they go.
  const sft = o.sft;
  const exSplit = sft && sftExamples ? splitExamples(sftExamples.length, o.seed, o.valFraction) : { train: [], val: [] };
  const cost = (i: number) => sftExamples![i].prompt.length + sftExamples![i].response.length + sepLen;
  const withMask = !!sft?.maskPrompt;


  const build = (name: 'train' | 'val', salt: number) => {
    const plan = plans[name];
    let n = 0;
    for (const s of plan.segments) n += s.end - s.start;
    const pool = exSplit[name];
    const target = sft && pool.length && n > 0 ? (sft.ratio / (1 - sft.ratio)) * n : 0;
    // Examples go between documents when there are at least as many documents as examples to place; otherwise at
    // seeded token positions, where an example also needs a separator in front (counted in its cost).
    const meanCost = pool.length ? pool.reduce((a, i) => a + cost(i), 0) / pool.length : 1;
    const snap = sep !== null && plan.documents >= Math.ceil(target / Math.max(1, meanCost));
    const costHere = (i: number) => cost(i) + (snap ? 0 : sepLen);
    const chosen = sft && sftExamples ? chooseExamples(pool, costHere, target, o.seed, salt) : [];
    let pts = insertionPoints(chosen.length, n, o.seed, salt);
    if (snap) pts = pts.map((p) => floorBoundary(plan.boundaries, p));
    let sftMax = 0;
    for (const i of chosen) sftMax += costHere(i); // exact between documents; an upper bound at token positions
    const out = new StreamBuilder(n + sftMax, withMask);
    let sftTokens = 0;
    let j = 0;
    let pos = 0; // position in this split's pretraining stream
    const insertDue = () => {
      while (j < chosen.length && pts[j] === pos) {
        const ex = sftExamples![chosen[j]];
        const before = out.length;
        if (sep !== null && out.length > 0 && out.ids[out.length - 1] !== sep) out.appendOne(sep, 1);
        out.append(ex.prompt, withMask ? 0 : 1);
        out.append(ex.response, 1);
        if (sep !== null) out.appendOne(sep, 1);
        sftTokens += out.length - before;
        j++;
      }
    };
    for (const s of plan.segments) {
      let i = s.start;
      while (i < s.end) {
        insertDue();
        const next = j < chosen.length ? Math.min(s.end, i + (pts[j] - pos)) : s.end;
        appendStream(out, docs, docStart, sep, i, next);
        pos += next - i;
        i = next;
      }
    }
    insertDue();
    const { ids, mask } = out.finish();
    return { ids, mask, sftTokens, inserted: chosen.length, distinct: new Set(chosen).size, pool: pool.length, target, placement: snap ? 'documents' as const : 'tokens' as const };
  };
  const train = build('train', TRAIN_SALT);
  const val = build('val', VAL_SALT);

  if (train.ids.length === 0) throw new RangeError('tokenizeCorpus: the train split is empty');
  if (o.blockSize !== undefined) {
    if (train.ids.length < o.blockSize + 1) {
      throw new RangeError(`tokenizeCorpus: the train split has ${train.ids.length} tokens; blockSize ${o.blockSize} needs at least ${o.blockSize + 1}`);
    }
    if (o.valFraction > 0 && val.ids.length < o.blockSize + 1) {
      throw new RangeError(`tokenizeCorpus: the val split has ${val.ids.length} tokens; blockSize ${o.blockSize} needs at least ${o.blockSize + 1}`);
    }
  }

  const meta: CorpusMeta = {
    tokenizer: tokenizer.name,
    tokenizerFingerprint: tokenizer.fingerprint,
    fingerprint: '',
    separatorId: sep ?? -1,
    documents: { train: plans.train.documents, val: plans.val.documents },
    chars: docs.chars,
    tokens: { train: train.ids.length, val: val.ids.length },
    split: { mode, valFraction: o.valFraction, seed: o.seed },
  };
  if (sft && sftExamples) {
    const usedTokens = (ids: number[]) => ids.reduce((a, i) => a + cost(i), 0);
    meta.sft = {
      examples: sftExamples.length,
      tokens: train.sftTokens,
      ratio: train.ids.length ? train.sftTokens / train.ids.length : 0,
      maskPrompt: sft.maskPrompt,
      targetRatio: sft.ratio,
      template: sft.template,
      mode: usedTokens(exSplit.train) < train.target ? 'repeat' : 'subsample',
      inserted: { train: train.inserted, val: val.inserted },
      placement: { train: train.placement, val: val.placement },
      distinct: { train: train.distinct, val: val.distinct },
      valTokens: val.sftTokens,
      valRatio: val.ids.length ? val.sftTokens / val.ids.length : 0,
    };
  }
  const data: CorpusData = { train: train.ids, val: val.ids, vocabSize: o.vocabSize, meta };
  if (withMask) { data.trainMask = train.mask; data.valMask = val.mask; }
  meta.fingerprint = corpusFingerprint(data, hash);
  return data;
}

/** Append positions [from, to) of the packed stream (every document followed by the separator) to `out`. */
function appendStream(out: StreamBuilder, docs: DocumentIds, docStart: number[], sep: number | null, from: number, to: number): void {
  if (from >= to) return;
  // the document holding `from`: the last d with docStart[d] <= from
  let lo = 0, hi = docs.documents - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (docStart[mid] <= from) lo = mid; else hi = mid - 1;
  }
  for (let d = lo; d < docs.documents && docStart[d] < to; d++) {
    const ids = docs.doc(d);
    const a = Math.max(from, docStart[d]) - docStart[d];
    const b = Math.min(to, docStart[d] + ids.length) - docStart[d];
    if (b > a) out.append(a === 0 && b === ids.length ? ids : ids.subarray(a, b), 1);
    if (sep !== null && docStart[d] + ids.length >= from && docStart[d] + ids.length < to) out.appendOne(sep, 1);
  }
}

/** The largest boundary <= p (boundaries sorted, boundaries[0] = 0). */
function floorBoundary(b: number[], p: number): number {
  let lo = 0, hi = b.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (b[mid] <= p) lo = mid; else hi = mid - 1;
  }
  return b[lo];
}
