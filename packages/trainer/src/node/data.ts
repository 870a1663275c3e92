// Node adapter, data part: text files and globs, SFT JSONL, shard directories, tokenizing on worker threads.
export { expandGlobs, readTextFiles, readTextFile } from './data-files.js';
export { readSftJsonl, readSftJsonlAll, type ReadSftJsonlOptions } from './data-jsonl.js';
export { writeShards, readShards, nodeHashParts, CORPUS_JSON, type CorpusManifest, type ShardEntry, type WriteShardsOptions } from './data-shards.js';
export { tokenizeCorpusParallel, tokenizeFiles, type ParallelTokenizeOptions } from './data-parallel.js';
