// Options of tokenizeCorpus, their defaults, and their validation (every bad option is an error naming the field,
// thrown before any text is tokenized).
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';

/** One instruction example of the SFT mix. */
export interface SftExample {
  prompt: string;
  response: string;
}

export interface SftOptions {
  /** The examples (any order); sync or async iterables are read once. */
  examples: Iterable<SftExample> | AsyncIterable<SftExample>;
  /** Share of the TOKENS of each split that are SFT tokens, in [0, 1). Default 0.1 (the paper's ~10 %). */
  ratio?: number;
  /** Give prompt tokens loss-mask 0 (not prediction targets). Default false. */
  maskPrompt?: boolean;
  /**
   * How an example becomes text: a string with `{prompt}` and `{response}` placeholders; the part up to
   * `{response}` is the prompt segment (masked with maskPrompt), the rest the response segment. Default
   * `'{prompt}{response}'`.
   */
  template?: string;
}

/** How the train/val split is made. */
export type SplitMode = 'auto' | 'documents' | 'tail';

export interface TokenizeCorpusOptions {
  /** Share of the corpus that goes to the val split, in [0, 1). Default 0.1. */
  valFraction?: number;
  /**
   * 'documents': document i goes to val when a seeded hash of i falls below valFraction (whole documents);
   * 'tail': the last valFraction of the packed token stream is val (nanoGPT's split of one big text);
   * 'auto' (default): 'documents' when that gives both splits at least one document, else 'tail'.
   */
  split?: SplitMode;
  /** Seed of the document split and of the SFT interleaving. Default 1. */
  seed?: number;
  /**
   * Id appended after every document (and around SFT examples). Default: the tokenizer's end-of-text special
   * (`<|endoftext|>`, `</s>`, `<eos>`, `[EOS]`, `<|end_of_text|>`, `[SEP]`, in that order) if it has one, else none.
   * `null`: no separator.
   */
  separatorId?: number | null;
  /** Mix instruction examples in (the paper's ~10 % instruction data). */
  sft?: SftOptions;
  /** When given, each non-empty split must hold at least blockSize + 1 tokens. */
  blockSize?: number;
  /** Ids must be below this (default tokenizer.vocabSize); the model's vocabulary when it is smaller. */
  vocabSize?: number;
}

export interface ResolvedOptions {
  valFraction: number;
  split: SplitMode;
  seed: number;
  separatorId: number | null;
  vocabSize: number;
  blockSize: number | undefined;
  sft: { ratio: number; maskPrompt: boolean; template: string; promptPart: string; responsePart: string } | null;
}

const SEPARATOR_NAMES = ['<|endoftext|>', '</s>', '<eos>', '[EOS]', '<|end_of_text|>', '[SEP]'];

/** The default document separator of a tokenizer (see TokenizeCorpusOptions.separatorId), or null. */
export function defaultSeparatorId(tokenizer: Tokenizer): number | null {
  for (const name of SEPARATOR_NAMES) {
    const id = tokenizer.specialTokens[name];
    if (id !== undefined) return id;
  }
  return null;
}

export function resolveOptions(tokenizer: Tokenizer, opts: TokenizeCorpusOptions = {}): ResolvedOptions {
  if (!tokenizer || typeof tokenizer.encode !== 'function' || !Number.isInteger(tokenizer.vocabSize)) {
    throw new TypeError('tokenizeCorpus: tokenizer must be a Tokenizer of @glyphlm/unicode-tokenizer (encode, vocabSize)');
  }
  const valFraction = opts.valFraction ?? 0.1;
  if (typeof valFraction !== 'number' || !(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`tokenizeCorpus: valFraction must be in [0, 1), got ${valFraction}`);
  }
  const split = opts.split ?? 'auto';
  if (split !== 'auto' && split !== 'documents' && split !== 'tail') {
    throw new RangeError(`tokenizeCorpus: split must be 'auto', 'documents' or 'tail', got ${String(split)}`);
  }
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new RangeError(`tokenizeCorpus: seed must be an integer, got ${seed}`);
  const vocabSize = opts.vocabSize ?? tokenizer.vocabSize;
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new RangeError(`tokenizeCorpus: vocabSize must be a positive integer, got ${vocabSize}`);
  const separatorId = opts.separatorId === undefined ? defaultSeparatorId(tokenizer) : opts.separatorId;
  if (separatorId !== null && !(Number.isInteger(separatorId) && separatorId >= 0 && separatorId < vocabSize)) {
    throw new RangeError(`tokenizeCorpus: separatorId ${separatorId} is outside the vocabulary (0..${vocabSize - 1})`);
  }
  const blockSize = opts.blockSize;
  if (blockSize !== undefined && !(Number.isInteger(blockSize) && blockSize >= 1)) {
    throw new RangeError(`tokenizeCorpus: blockSize must be a positive integer, got ${blockSize}`);
  }
  let sft: ResolvedOptions['sft'] = null;
  if (opts.sft) {
    const s = opts.sft;
    const ratio = s.ratio ?? 0.1;
    if (typeof ratio !== 'number' || !(ratio >= 0 && ratio < 1)) throw new RangeError(`tokenizeCorpus: sft.ratio must be in [0, 1), got ${ratio}`);
    if (!s.examples || (typeof (s.examples as Iterable<SftExample>)[Symbol.iterator] !== 'function'
      && typeof (s.examples as AsyncIterable<SftExample>)[Symbol.asyncIterator] !== 'function')) {
      throw new TypeError('tokenizeCorpus: sft.examples must be an array or (async) iterable of { prompt, response }');
    }
    const template = s.template ?? '{prompt}{response}';
    if (typeof template !== 'string') throw new TypeError('tokenizeCorpus: sft.template must be a string');
    const r = template.indexOf('{response}');
    if (r < 0 || template.indexOf('{response}', r + 1) >= 0) {
      throw new RangeError(`tokenizeCorpus: sft.template must contain {response} exactly once, got ${JSON.stringify(template)}`);
    }
    const promptPart = template.slice(0, r);
    const responsePart = template.slice(r);
    if (responsePart.includes('{prompt}')) throw new RangeError('tokenizeCorpus: sft.template must put {prompt} before {response}');
    sft = { ratio, maskPrompt: s.maskPrompt ?? false, template, promptPart, responsePart };
  }
  return { valFraction, split, seed, separatorId, vocabSize, blockSize, sft };
}
