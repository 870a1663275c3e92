/// <reference types="node" />
// @glyphlm/mmlu-eval/node: the Node adapter (CSV/parquet/JSONL directories, the on-disk request cache, report files).
// The only part of the package that imports Node built-ins.
export * from './data.js';
export * from './evaluate.js';
