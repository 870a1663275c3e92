// @glyphlm/mmlu-eval: MMLU (and ARC / CommonsenseQA) for glyphlm models under the paper's generative protocol,
// the lm-evaluation-harness log-likelihood protocol and cloze; statistics (Wilson, bootstrap, McNemar) and reports.
// Browser-safe; files, parquet directories and the on-disk request cache live in `@glyphlm/mmlu-eval/node`.
export * from './data/index.js';
export * from './protocols/index.js';
export * from './stats/index.js';
export * from './report/index.js';
