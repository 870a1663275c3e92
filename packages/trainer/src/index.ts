// @glyphlm/trainer: corpus tokenizing into packed shards (with the paper's SFT mix), the training loop (AdamW,
// warmup + cosine, clipping, accumulation, exact resume), and frozen-vs-trainable experiments. Browser-safe;
// files, worker threads and terminal progress live in `@glyphlm/trainer/node`.
export * from './data/index.js';
export * from './train/index.js';
export * from './experiments/index.js';
export * from './grow/index.js';
