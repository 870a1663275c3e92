// grow: public exports of src/grow (layer-wise growth of a trained model, and the stage-wise growth schedule).
export { grow, GrowError, type GrowOptions, type GrowInit } from './grow.js';
export {
  growthSchedule, storageUnder, type GrowthSchedule, type GrowthTrainOptions, type GrowthResult, type GrowthHistoryEntry,
  type StageResult,
} from './schedule.js';
