// data: public exports of src/data (browser-safe): corpus tokenizing with the SFT mix, the batch sampler, shard
// bytes, fingerprints and the compact vocabulary.
export type { CorpusData, CorpusMeta } from './types.js';
export { hash32, rowOffset, sampleBatch, trainBatchIndex, evalSeed, evalBatches, dropoutSeed, type SampleOptions } from './sampler.js';
export { tokenizeCorpus, tokenizeCorpusAsync, type CorpusInput } from './corpus.js';
export {
  defaultSeparatorId, type TokenizeCorpusOptions, type SftOptions, type SftExample, type SplitMode,
} from './corpus-options.js';
export { corpusFingerprint, fingerprintParts, sha256Parts, type HashParts, type FingerprintInput } from './fingerprint.js';
