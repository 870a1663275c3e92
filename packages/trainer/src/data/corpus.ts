// tokenizeCorpus: text (one string, an array or iterable of documents, or an async iterable) -> packed train/val
// token streams with the SFT mix. Synchronous for synchronous input, a Promise for async input.
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import type { CorpusData } from './types.js';
import { resolveOptions, type SftExample, type TokenizeCorpusOptions } from './corpus-options.js';
import { DocumentIds } from './id-buffer.js';
import { assembleCorpus } from './assemble.js';
import { SplitStreams, encodeIntoOf } from './split-streams.js';
import { encodeExample, type EncodedExample } from './sft.js';

/** What tokenizeCorpus reads: one text (one document), or documents from an array / iterable / async iterable. */
export type CorpusInput = string | Iterable<string> | AsyncIterable<string>;

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function checkDocument(text: unknown, index: number): string {
  if (typeof text !== 'string') throw new TypeError(`tokenizeCorpus: document ${index} is ${text === null ? 'null' : typeof text}, not a string`);
  return text;
}

/**
 * Tokenize a corpus into packed train/val streams (see TokenizeCorpusOptions). Each string of an array/iterable is
 * one document; a single string is one document (split 'auto' then cuts the last valFraction of its tokens, as
 * nanoGPT does). Returns CorpusData directly for a string, array or sync iterable (with sync SFT examples), and a
 * Promise<CorpusData> when the texts or the SFT examples are an async iterable (or use tokenizeCorpusAsync,
 * which always returns a Promise).
 */
export function tokenizeCorpus(tokenizer: Tokenizer, texts: string | Iterable<string>, opts?: TokenizeCorpusOptions & { sft?: { examples: Iterable<SftExample> } }): CorpusData;
export function tokenizeCorpus(tokenizer: Tokenizer, texts: CorpusInput, opts?: TokenizeCorpusOptions): CorpusData | Promise<CorpusData>;
export function tokenizeCorpus(tokenizer: Tokenizer, texts: CorpusInput, opts: TokenizeCorpusOptions = {}): CorpusData | Promise<CorpusData> {
  const o = resolveOptions(tokenizer, opts);
  if (typeof texts !== 'string' && !isIterable(texts) && !isAsyncIterable(texts)) {
    throw new TypeError('tokenizeCorpus: texts must be a string, an array or iterable of strings, or an async iterable of strings');
  }
  if (isAsyncIterable(texts) || (opts.sft && isAsyncIterable(opts.sft.examples) && !isIterable(opts.sft.examples))) {
    return tokenizeCorpusAsync(tokenizer, texts, opts);
  }
  // SFT examples first: a bad example is an error before the (long) corpus is tokenized
  let examples: EncodedExample[] | null = null;
  if (o.sft) {
    examples = [];
    let i = 0;
    for (const ex of opts.sft!.examples as Iterable<SftExample>) { examples.push(encodeExample(tokenizer, ex, i, o.sft)); i++; }
  }
  // An array of documents without SFT goes straight into its split streams (bvv241 gives at most one id per code
  // unit outside lossless escapes; a tokenizer that gives more falls back to the usual assembly).
  const streams = Array.isArray(texts) && !examples ? SplitStreams.plan(o, texts.map((t) => (typeof t === 'string' ? t.length : 0))) : null;
  const docs = streams ?? new DocumentIds();
  if (typeof texts === 'string') docs.push(tokenizer.encode(texts), texts.length);
  else {
    let i = 0;
    if (streams) {
      // bvv241 encodes each document straight into its split's stream
      const encodeInto = encodeIntoOf(tokenizer), encode = (s: string) => tokenizer.encode(s);
      for (const t of texts as Iterable<unknown>) streams.pushText(checkDocument(t, i++), encode, encodeInto);
    } else for (const t of texts as Iterable<unknown>) { const s = checkDocument(t, i++); docs.push(tokenizer.encode(s), s.length); }
  }
  return streams ? streams.finish(tokenizer) : assembleCorpus(tokenizer, docs as DocumentIds, examples, o);
}

/** tokenizeCorpus for any input, always as a Promise (reads async iterables document by document). */
export async function tokenizeCorpusAsync(tokenizer: Tokenizer, texts: CorpusInput, opts: TokenizeCorpusOptions = {}): Promise<CorpusData> {
  const o = resolveOptions(tokenizer, opts);
  if (typeof texts !== 'string' && !isAsyncIterable(texts) && !isIterable(texts)) {
    throw new TypeError('tokenizeCorpus: texts must be a string, an array or iterable of strings, or an async iterable of strings');
  }
  let examples: EncodedExample[] | null = null;
  if (o.sft) {
    examples = [];
    let i = 0;
    for await (const ex of opts.sft!.examples as AsyncIterable<SftExample>) { examples.push(encodeExample(tokenizer, ex, i, o.sft)); i++; }
  }
  const docs = new DocumentIds();
  if (typeof texts === 'string') docs.push(tokenizer.encode(texts), texts.length);
  else {
    let i = 0;
    for await (const t of texts as AsyncIterable<unknown>) { const s = checkDocument(t, i++); docs.push(tokenizer.encode(s), s.length); }
  }
  return assembleCorpus(tokenizer, docs, examples, o);
}
