// data: public exports of src/data (browser-safe): corpus tokenizing with the SFT mix, the batch sampler, shard
// bytes, fingerprints and the compact vocabulary.
export type { CorpusData, CorpusMeta } from './types.js';
export { hash32, rowOffset, sampleBatch, trainBatchIndex, evalSeed, evalBatches, dropoutSeed, type SampleOptions } from './sampler.js';
export { tokenizeCorpus, tokenizeCorpusAsync, type CorpusInput } from './corpus.js';
export {
  defaultSeparatorId, type TokenizeCorpusOptions, type SftOptions, type SftExample, type SplitMode,
} from './corpus-options.js';
export { corpusFingerprint, fingerprintParts, sha256Parts, type HashParts, type FingerprintInput } from './fingerprint.js';
export {
  encodeShard, decodeShard, decodeShardHeader, shardIds, bytesPerIdFor, ShardFormatError,
  SHARD_MAGIC, SHARD_VERSION, SHARD_HEADER_BYTES,
  type ShardMeta, type ShardHeader, type DecodedShard, type DecodeShardOptions,
} from './shards.js';
export { crc32 } from './crc32.js';
export { compactVocabulary, type CompactVocabulary, type CompactVocabularyOptions } from './compact-vocab.js';
