// Loads any Hugging Face tokenizer.json (BPE incl. byte-level GPT-2 style, WordLevel, WordPiece, Unigram) behind the
// glyphlm Tokenizer interface: added tokens -> normalizer -> pre-tokenizer -> model (-> optional post-processor).
import type { Tokenizer } from '../types.js';
import { checkIds, checkText } from '../ids.js';
import { sha256String } from '../sha256.js';
import { TokenizerJsonError, arr, bool, int, obj, str, type Json } from './fields.js';
import { buildNormalizer, type Normalizer } from './normalizers.js';
import { buildPreTokenizer, type PreTokenizer } from './pre-tokenizers.js';
import { buildModel, type Model } from './models.js';
import { buildDecoder, type Decoder } from './decoders.js';
import { buildPostProcessor, type PostProcessor } from './post-processors.js';

export interface FromHuggingFaceOptions {
  /** Apply the post-processor (e.g. add BOS/EOS) when encoding. Default false: encode gives the text's ids only. */
  addSpecialTokens?: boolean;
  /** Name reported by `tokenizer.name`. */
  name?: string;
}

interface AddedToken { id: number; content: string; special: boolean; lstrip: boolean; rstrip: boolean; singleWord: boolean }

export class HuggingFaceTokenizer implements Tokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly specialTokens: Readonly<Record<string, number>>;
  private readonly json: string;
  private readonly model: Model;
  private readonly normalizer: Normalizer | null;
  private readonly preTokenizer: PreTokenizer | null;
  private readonly decoder: Decoder | null;
  private readonly postProcessor: PostProcessor | null;
  private readonly added: AddedToken[];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly idToToken: string[];
  private readonly addSpecial: boolean;
  private fp: string | undefined;

  constructor(source: string | object, options: FromHuggingFaceOptions = {}) {
    let parsed: unknown;
    if (typeof source === 'string') {
      try { parsed = JSON.parse(source); } catch (e) { throw new TokenizerJsonError('(root)', `not valid JSON: ${(e as Error).message}`); }
    } else parsed = source;
    const root = obj(parsed, '(root)');
    if (root.model === undefined) throw new TokenizerJsonError('model', 'missing');
    this.json = JSON.stringify(root);
    this.model = buildModel(root.model);
    this.normalizer = buildNormalizer(root.normalizer ?? null);
    this.preTokenizer = buildPreTokenizer(root.pre_tokenizer ?? null);
    this.decoder = buildDecoder(root.decoder ?? null);
    this.postProcessor = buildPostProcessor(root.post_processor ?? null);
    this.addSpecial = options.addSpecialTokens === true;
    this.added = arr(root.added_tokens ?? [], 'added_tokens').map((t, k) => {
      const f = `added_tokens[${k}]`, o = obj(t, f);
      return {
        id: int(o.id, `${f}.id`), content: str(o.content, `${f}.content`), special: bool(o.special, `${f}.special`, false),
        lstrip: bool(o.lstrip, `${f}.lstrip`, false), rstrip: bool(o.rstrip, `${f}.rstrip`, false), singleWord: bool(o.single_word, `${f}.single_word`, false),
      };
    });
    let maxId = -1;
    for (const id of this.model.vocab.values()) if (id > maxId) maxId = id;
    for (const a of this.added) if (a.id > maxId) maxId = a.id;
    this.vocabSize = maxId + 1;
    this.idToToken = new Array(this.vocabSize);
    for (const [t, id] of this.model.vocab) this.idToToken[id] ??= t;
    const specials: Record<string, number> = {};
    for (const a of this.added) {
      this.idToToken[a.id] = a.content;
      this.addedById.set(a.id, a);
      if (a.special) specials[a.content] = a.id;
    }
    this.specialTokens = Object.freeze(specials);
    this.added.sort((a, b) => b.content.length - a.content.length);
    this.name = options.name ?? `hf:${String((root.model as { type?: unknown }).type ?? 'BPE')}`;
  }

  get fingerprint(): string {
    this.fp ??= sha256String(`glyphlm-tokenizer/hf/addSpecial=${this.addSpecial}\n${this.json}`);
    return this.fp;
  }

  /** Splits text on added tokens (leftmost, then longest), honouring lstrip/rstrip. */
  private splitAdded(text: string): Array<string | number> {
    if (!this.added.length) return [text];
    const out: Array<string | number> = [];
    let pos = 0, segStart = 0;
    while (pos < text.length) {
      let hit: AddedToken | null = null;
      for (const a of this.added) if (a.content.length && text.startsWith(a.content, pos)) { hit = a; break; }
      if (!hit || (hit.singleWord && !isWordBoundary(text, pos, pos + hit.content.length))) { pos++; continue; }
      let segEnd = pos, next = pos + hit.content.length;
      if (hit.lstrip) while (segEnd > segStart && /\s/u.test(text[segEnd - 1])) segEnd--;
      if (hit.rstrip) while (next < text.length && /\s/u.test(text[next])) next++;
      if (segEnd > segStart) out.push(text.slice(segStart, segEnd));
      out.push(hit.id);
      pos = segStart = next;
    }
    if (segStart < text.length) out.push(text.slice(segStart));
    return out;
  }

  encode(text: string): Uint32Array {
    checkText(text);
    const ids: number[] = [];
    let atStart = true;
    for (const seg of this.splitAdded(text)) {
      if (typeof seg === 'number') { ids.push(seg); atStart = false; continue; }
      const s = this.normalizer ? this.normalizer(seg) : seg;
      const words = this.preTokenizer ? this.preTokenizer([s], atStart) : [s];
      for (const w of words) if (w.length) this.model.encodeWord(w, ids);
      atStart = false;
    }
    const final = this.addSpecial && this.postProcessor ? this.postProcessor(ids) : ids;
    return Uint32Array.from(final);
  }

  decode(ids: ArrayLike<number>): string {
    checkIds(ids, this.vocabSize);
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = this.idToToken[ids[i]];
      if (t === undefined) throw new RangeError(`invalid token id ${ids[i]} at position ${i}: the id is not in the vocabulary`);
      tokens.push(t);
    }
    return this.decoder ? this.decoder(tokens).join('') : tokens.join(' ');
  }

  tokenString(id: number): string {
    checkIds([id], this.vocabSize);
    const t = this.idToToken[id];
    if (t === undefined) throw new RangeError(`invalid token id ${id}: the id is not in the vocabulary`);
    return t;
  }

  isSpecial(id: number): boolean {
    checkIds([id], this.vocabSize);
    return this.addedById.get(id)?.special === true;
  }

  toHuggingFaceJSON(): string { return this.json; }
}

function isWordBoundary(text: string, a: number, b: number): boolean {
  const w = /[\p{L}\p{N}_]/u;
  return (a === 0 || !w.test(text[a - 1])) && (b >= text.length || !w.test(text[b]));
}

/** Any Hugging Face tokenizer.json (string or parsed object) as a glyphlm Tokenizer. */
export function fromHuggingFace(json: string | object, options?: FromHuggingFaceOptions): HuggingFaceTokenizer {
  return new HuggingFaceTokenizer(json as string | Json & object, options);
}
