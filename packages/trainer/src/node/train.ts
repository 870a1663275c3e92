/// <reference types="node" />
// Node adapter: train part. Checkpoint directories (train() loads train-storage.js itself when checkpointDir is a
// path), the terminal progress line and the JSONL metrics log.
export { nodeCheckpointStorage } from './train-storage.js';
export {
  progressPrinter, metricsLog, formatProgressLine, formatDuration, mfu,
  type ProgressPrinter, type ProgressPrinterOptions, type MetricsLog,
} from './train-progress.js';
