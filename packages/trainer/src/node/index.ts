/// <reference types="node" />
// @glyphlm/trainer/node: the Node adapter (files, globs, JSONL, shard files, checkpoint directories, worker-thread
// data parallelism, terminal progress). The only part of the package that imports Node built-ins.
export * from './data.js';
export * from './train.js';
export * from './parallel.js';
export * from './experiments.js';
