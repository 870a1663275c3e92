// protocols: public exports of src/protocols (browser-safe): prompt builders, the paper parser, evaluate(), request
// caches and model fingerprints.
export * from './types.js';
export * from './prompts.js';
export * from './paper-parse.js';
export * from './hash.js';
export * from './cache.js';
export * from './options.js';
export { encodePair, harnessRequests, clozeRequests, ContextLengthError, type ItemRequests, type HarnessRequestOptions } from './requests.js';
export { scoreItems, type ScoringModel, type ScoreOptions, type ScoreStats } from './score.js';
export { itemSeed, planPaperItem, runPaper, type GeneratingModel, type PaperSettings, type PaperItemPlan, type PaperItemOutcome } from './paper.js';
export { evaluate, selectItems, argmax, type EvalModel } from './evaluate.js';
