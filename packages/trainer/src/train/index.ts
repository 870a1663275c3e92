// train: public exports of src/train (the loop, the step engine on this thread, checkpoints, schedule, errors).
export { train } from './train.js';
export type { TrainOptions, TrainResult, HistoryEntry, ProgressEvent } from './types.js';
export { NonFiniteError, type StepEngine, type StepRequest, type StepResult, type MicroBatch, type OptimizerState } from './engine.js';
export { createLocalEngine, countTargets, type LocalEngineOptions } from './local-engine.js';
export { learningRate, type ScheduleOptions } from './schedule.js';
export { TrainOptionError, TrainCheckpointError } from './errors.js';
export { memoryStorage, isCheckpointStorage, type CheckpointStorage } from './storage.js';
export {
  readLatest, readTrainerCheckpoint, writeTrainerCheckpoint, stepDirName, TRAINER_FORMAT, TRAINER_VERSION,
  type TrainerState, type RecordedOptions, type LoadedCheckpoint,
} from './checkpoint.js';
export {
  adamwToCheckpoint, checkpointToAdamw, encodeOptimizerState, decodeOptimizerState, checkpointShapes, OPTIMIZER_FORMAT,
  type OptimizerHyper,
} from './optimizer-state.js';
export { assignWeights } from './weights.js';
