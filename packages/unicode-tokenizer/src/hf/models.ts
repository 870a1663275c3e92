// Hugging Face tokenization models (tokenizer.json "model"): BPE, WordLevel, WordPiece and Unigram, word -> ids.
import { MergeTable } from '../bpe/merge-table.js';
import { mergeWord } from '../bpe/merge-word.js';
import { TokenizerJsonError, arr, bool, int, obj, optStr, str, type Json, type JsonObject, unsupported } from './fields.js';

export interface Model {
  /** id -> token string (holes are filled by added tokens or left undefined) */
  readonly vocab: Map<string, number>;
  encodeWord(word: string, out: number[]): void;
}

function readVocab(v: Json, field: string): Map<string, number> {
  const o = obj(v, field);
  const m = new Map<string, number>();
  for (const [tok, id] of Object.entries(o)) m.set(tok, int(id, `${field}[${JSON.stringify(tok)}]`));
  return m;
}

export function buildModel(spec: Json): Model {
  const o = obj(spec, 'model');
  const type = o.type ?? (o.merges !== undefined ? 'BPE' : undefined);
  switch (type) {
    case 'BPE': return new BpeModel(o);
    case 'WordLevel': return new WordLevelModel(o);
    case 'WordPiece': return new WordPieceModel(o);
    case 'Unigram': return new UnigramModel(o);
    default: return unsupported('model.type', type);
  }
}

class BpeModel implements Model {
  readonly vocab: Map<string, number>;
  private readonly table: MergeTable;
  private readonly unk: number | null;
  private readonly fuseUnk: boolean;
  private readonly byteFallback: boolean;
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly ignoreMerges: boolean;
  private readonly cache = new Map<string, Int32Array>();
  private scratch = new Int32Array(64);

  constructor(o: JsonObject) {
    if (o.dropout !== undefined && o.dropout !== null && o.dropout !== 0) {
      throw new TokenizerJsonError('model.dropout', `BPE dropout ${String(o.dropout)} is random at encode time; only null is supported`);
    }
    this.vocab = readVocab(o.vocab, 'model.vocab');
    const unkTok = optStr(o.unk_token, 'model.unk_token');
    if (unkTok !== null && !this.vocab.has(unkTok)) throw new TokenizerJsonError('model.unk_token', `${JSON.stringify(unkTok)} is not in model.vocab`);
    this.unk = unkTok === null ? null : this.vocab.get(unkTok)!;
    this.fuseUnk = bool(o.fuse_unk, 'model.fuse_unk', false);
    this.byteFallback = bool(o.byte_fallback, 'model.byte_fallback', false);
    this.prefix = optStr(o.continuing_subword_prefix, 'model.continuing_subword_prefix') ?? '';
    this.suffix = optStr(o.end_of_word_suffix, 'model.end_of_word_suffix') ?? '';
    this.ignoreMerges = bool(o.ignore_merges, 'model.ignore_merges', false);
    const merges: Array<[number, number, number]> = [];
    arr(o.merges ?? [], 'model.merges').forEach((m, k) => {
      const field = `model.merges[${k}]`;
      let a: string, b: string;
      if (typeof m === 'string') {
        const parts = m.split(' ');
        if (parts.length !== 2) throw new TokenizerJsonError(field, `expected "left right", got ${JSON.stringify(m)}`);
        [a, b] = parts;
      } else {
        const pair = arr(m, field);
        if (pair.length !== 2) throw new TokenizerJsonError(field, `expected a pair, got ${pair.length} items`);
        a = str(pair[0], `${field}[0]`); b = str(pair[1], `${field}[1]`);
      }
      const ia = this.vocab.get(a), ib = this.vocab.get(b);
      const merged = a + b.slice(this.prefix.length);
      const im = this.vocab.get(merged);
      if (ia === undefined || ib === undefined) throw new TokenizerJsonError(field, `${JSON.stringify(ia === undefined ? a : b)} is not in model.vocab`);
      if (im === undefined) throw new TokenizerJsonError(field, `merged token ${JSON.stringify(merged)} is not in model.vocab`);
      merges.push([ia, ib, im]);
    });
    this.table = new MergeTable(merges);
  }

  encodeWord(word: string, out: number[]): void {
    if (this.ignoreMerges) {
      const whole = this.vocab.get(word);
      if (whole !== undefined) { out.push(whole); return; }
    }
    const hit = this.cache.get(word);
    if (hit) { for (const id of hit) out.push(id); return; }
    const chars = Array.from(word);
    if (this.scratch.length < chars.length * 4) this.scratch = new Int32Array(chars.length * 4 + 16);
    const ids = this.scratch;
    let n = 0, lastUnk = false;
    for (let k = 0; k < chars.length; k++) {
      const s = (k > 0 ? this.prefix : '') + chars[k] + (k === chars.length - 1 ? this.suffix : '');
      const id = this.vocab.get(s);
      if (id !== undefined) { ids[n++] = id; lastUnk = false; continue; }
      if (this.byteFallback) {
        const bytes = new TextEncoder().encode(chars[k]);
        const bids = Array.from(bytes, (b) => this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
        if (bids.every((x) => x !== undefined)) { for (const x of bids) ids[n++] = x!; lastUnk = false; continue; }
      }
      if (this.unk === null) continue; // no unk token: the character is dropped, as in Hugging Face
      if (this.fuseUnk && lastUnk) continue;
      ids[n++] = this.unk; lastUnk = true;
    }
    const m = mergeWord(this.table, ids, n);
    const res = ids.slice(0, m);
    if (word.length <= 64) { if (this.cache.size > 100_000) this.cache.clear(); this.cache.set(word, res); }
    for (const id of res) out.push(id);
  }
}

class WordLevelModel implements Model {
  readonly vocab: Map<string, number>;
  private readonly unk: number | null;
  constructor(o: JsonObject) {
    this.vocab = readVocab(o.vocab, 'model.vocab');
    const u = optStr(o.unk_token, 'model.unk_token');
    this.unk = u === null ? null : (this.vocab.get(u) ?? null);
  }
  encodeWord(word: string, out: number[]): void {
    const id = this.vocab.get(word) ?? this.unk;
    if (id !== null) out.push(id);
  }
}

class WordPieceModel implements Model {
  readonly vocab: Map<string, number>;
  private readonly unk: number;
  private readonly prefix: string;
  private readonly maxChars: number;
  constructor(o: JsonObject) {
    this.vocab = readVocab(o.vocab, 'model.vocab');
    const u = str(o.unk_token ?? '[UNK]', 'model.unk_token');
    const id = this.vocab.get(u);
    if (id === undefined) throw new TokenizerJsonError('model.unk_token', `${JSON.stringify(u)} is not in model.vocab`);
    this.unk = id;
    this.prefix = optStr(o.continuing_subword_prefix, 'model.continuing_subword_prefix') ?? '##';
    this.maxChars = o.max_input_chars_per_word === undefined ? 100 : int(o.max_input_chars_per_word, 'model.max_input_chars_per_word');
  }
  encodeWord(word: string, out: number[]): void {
    const chars = Array.from(word);
    if (chars.length > this.maxChars) { out.push(this.unk); return; }
    const pieces: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length, found = -1;
      while (start < end) {
        const sub = (start > 0 ? this.prefix : '') + chars.slice(start, end).join('');
        const id = this.vocab.get(sub);
        if (id !== undefined) { found = id; break; }
        end--;
      }
      if (found < 0) { out.push(this.unk); return; }
      pieces.push(found); start = end;
    }
    for (const id of pieces) out.push(id);
  }
}

class UnigramModel implements Model {
  readonly vocab = new Map<string, number>();
  private readonly scores: number[] = [];
  private readonly unk: number | null;
  private readonly maxLen: number;
  private readonly byteFallback: boolean;
  constructor(o: JsonObject) {
    let maxLen = 1;
    arr(o.vocab, 'model.vocab').forEach((e, id) => {
      const pair = arr(e, `model.vocab[${id}]`);
      const piece = str(pair[0], `model.vocab[${id}][0]`);
      if (typeof pair[1] !== 'number') throw new TokenizerJsonError(`model.vocab[${id}][1]`, 'expected a score');
      if (!this.vocab.has(piece)) this.vocab.set(piece, id);
      this.scores[id] = pair[1];
      maxLen = Math.max(maxLen, Array.from(piece).length);
    });
    this.maxLen = maxLen;
    this.unk = o.unk_id === null || o.unk_id === undefined ? null : int(o.unk_id, 'model.unk_id');
    this.byteFallback = bool(o.byte_fallback, 'model.byte_fallback', false);
  }
  /** Viterbi: the segmentation with the highest total score; unknown characters cost (min score - 10). */
  encodeWord(word: string, out: number[]): void {
    const chars = Array.from(word);
    const n = chars.length;
    const unkScore = Math.min(...this.scores.filter((s) => Number.isFinite(s))) - 10;
    const best = new Float64Array(n + 1).fill(-Infinity);
    const from = new Int32Array(n + 1), tok = new Int32Array(n + 1);
    best[0] = 0;
    for (let i = 0; i < n; i++) {
      if (best[i] === -Infinity) continue;
      let s = '';
      let matchedSingle = false;
      for (let j = i; j < Math.min(n, i + this.maxLen); j++) {
        s += chars[j];
        const id = this.vocab.get(s);
        if (id === undefined) continue;
        if (j === i) matchedSingle = true;
        const sc = best[i] + this.scores[id];
        if (sc > best[j + 1]) { best[j + 1] = sc; from[j + 1] = i; tok[j + 1] = id; }
      }
      if (!matchedSingle && best[i] + unkScore > best[i + 1]) { best[i + 1] = best[i] + unkScore; from[i + 1] = i; tok[i + 1] = -1; }
    }
    const res: number[] = [];
    for (let j = n; j > 0; j = from[j]) {
      if (tok[j] >= 0) { res.push(tok[j]); continue; }
      const ch = chars[from[j]];
      const bids = this.byteFallback ? Array.from(new TextEncoder().encode(ch), (b) => this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)) : [];
      if (bids.length && bids.every((x) => x !== undefined)) for (let k = bids.length - 1; k >= 0; k--) res.push(bids[k]!);
      else if (this.unk !== null && !(res.length && res[res.length - 1] === this.unk)) res.push(this.unk);
    }
    for (let k = res.length - 1; k >= 0; k--) out.push(res[k]);
  }
}
