// Data types shared by tokenizing, shards, sampling and the training loop.

/** What `tokenizeCorpus` returns: packed token streams (documents joined by a separator token). */
export interface CorpusData {
  train: Uint32Array;
  val: Uint32Array;
  vocabSize: number;
  /**
   * Optional loss masks (1 = the token is a prediction target, 0 = not: an SFT prompt token when prompt masking
   * is on). Same length as train / val. Absent = every token is a target.
   */
  trainMask?: Uint8Array;
  valMask?: Uint8Array;
  meta: CorpusMeta;
}

export interface CorpusMeta {
  tokenizer: string;
  tokenizerFingerprint: string;
  /** SHA-256 hex of the train and val ids (and masks): what a checkpoint records and resume checks. */
  fingerprint: string;
  /** Id that separates documents in the packed stream. */
  separatorId: number;
  documents: { train: number; val: number };
  /** Characters read, tokens produced. */
  chars: number;
  tokens: { train: number; val: number };
  sft?: { examples: number; tokens: number; ratio: number; maskPrompt: boolean };
  [key: string]: unknown;
}
