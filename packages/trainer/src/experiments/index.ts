// experiments: public exports of src/experiments (arms, compareArms, statistics, validation loss by token
// frequency, per-position losses, loss-curve SVG). Browser-safe; the PNG renderer is in `@glyphlm/trainer/node`.
export {
  resolveArm, createArmModel, tableHash, ArmError,
  type ArmSpec, type AblationArm, type AblationKind, type TrainableFromArm, type ResolvedArm,
} from './arms.js';
export {
  compareArms, summarizeExperiment, ExperimentAbortedError, ExperimentOptionError,
  type CompareArmsOptions, type SharedTrainOptions, type ExperimentProgress, type ExperimentResult, type ArmResult, type FrequencySummary,
} from './compare.js';
export {
  readExperiment, writeExperiment, subStorage, ExperimentRecordError, EXPERIMENT_FILE, EXPERIMENT_FORMAT, EXPERIMENT_VERSION,
  type ExperimentRecord, type ExperimentSetup, type RunResult,
} from './record.js';
export { summarize, tCritical95, pairedDifference, type Summary, type PairedDifference } from './stats.js';
export {
  valLossByFrequency, tokenCounts, bucketLosses, frequencyBuckets, checkThresholds, DEFAULT_FREQUENCY_THRESHOLDS,
  type ValLossByFrequency, type ValLossByFrequencyOptions, type FrequencyBucket,
} from './frequency.js';
export { tokenLosses, type TokenLossOptions } from './token-losses.js';
export { lossCurveSvg, curveSeries, meanByGroup, smoothTrain, type ArmsWithRuns, type LossCurveInput, type LossCurveOptions, type CurvePoint, type CurveSeries } from './loss-curve-svg.js';
