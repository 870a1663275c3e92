// @glyphlm/unicode-tokenizer: the Unicode-centric bvv241 tokenizers of the paper, a lossless mode, any Hugging Face
// tokenizer.json, and tokenizer statistics.
export type { Tokenizer } from './types.js';
export { bvv241, Bvv241Tokenizer, type Bvv241Options, type Bvv241Tables } from './bvv241/tokenizer.js';
export type { IdBuffer } from './bvv241/encoder.js';
export { SPECIAL_TOKENS, type Bvv241Variant } from './bvv241/layout.js';
export { Sha256, sha256Hex, sha256String } from './sha256.js';
export { fromHuggingFace, HuggingFaceTokenizer, type FromHuggingFaceOptions } from './hf/from-huggingface.js';
export { TokenizerJsonError } from './hf/fields.js';
export { tokenizerStats, type TokenizerStats, type TextStats } from './stats.js';
