// stats: public exports of src/stats (browser-safe): Wilson intervals, accuracy summaries, paired comparisons.
export * from './wilson.js';
export * from './runs.js';
export * from './random.js';
export * from './mcnemar.js';
export * from './summarize.js';
export * from './bootstrap.js';
export * from './compare.js';
