// data: public exports of src/data (browser-safe): MMLU/ARC/CommonsenseQA loaders, subject categories, checks.
export * from './types.js';
export * from './errors.js';
export * from './subjects.js';
export * from './csv.js';
export * from './hendrycks.js';
export * from './parquet.js';
export * from './bundle.js';
export * from './validate.js';
export * from './checks.js';
export * from './load.js';
export * from './jsonl.js';
