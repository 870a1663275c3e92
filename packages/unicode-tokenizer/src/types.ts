// The Tokenizer interface every glyphlm package meets at: ids <-> text, plus each token's surface string.

/** A tokenizer: text to ids and back, and the surface string of every id (what glyph-embeddings draws). */
export interface Tokenizer {
  /** A short human-readable name, e.g. `bvv241-2-3` or `hf:bpe`. */
  readonly name: string;
  /** Number of ids; valid ids are 0..vocabSize-1. */
  readonly vocabSize: number;
  /** Special tokens, name (= literal text) -> id, e.g. `'<unk>' -> 57347`. */
  readonly specialTokens: Readonly<Record<string, number>>;
  /** A stable SHA-256 hex digest of everything that determines encode/decode (vocabulary, merges, mode). */
  readonly fingerprint: string;
  /** Text to ids. Throws TypeError for a non-string; never throws for any JS string. */
  encode(text: string): Uint32Array;
  /** Ids to text. Throws RangeError naming the bad id and its position. */
  decode(ids: ArrayLike<number>): string;
  /** The token's surface string (for byte-level BPE: the raw vocabulary string). Throws RangeError for a bad id. */
  tokenString(id: number): string;
  /** True if the id is a special/added token (drawn as its literal text). */
  isSpecial(id: number): boolean;
  /** A Hugging Face tokenizer.json equivalent to this tokenizer. */
  toHuggingFaceJSON(): string;
}
