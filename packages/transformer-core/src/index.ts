// @glyphlm/transformer-core: the glyphlm GPT on tfjs-core (frozen or trainable input embedding), KV-cached
// generation and batched scoring, AdamW, and safetensors checkpoints shared with the PyTorch twin.
export { tf } from './tf.js';
export { useBackend, type BackendChoice } from './backend.js';
// the kernels and fast paths this package adds to the wasm backend, from one explicit list (registered on import)
import './wasm/register.js';
export { setFastPaths, fastPathsEnabled, withoutFastKernels } from './fast-paths.js';
export { FAST_KERNELS } from './fast-kernels.js';
// the wasm backend bundled in dist/: browsers tell it where the .wasm files are served (vite: `?url` imports)
export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
export {
  presets, parameterCount, matmulParameterCount, trainFlopsPerToken, tensorShapes, resolveConfig, ConfigError,
  type ModelConfig, type ResolvedConfig, type PresetName,
} from './config.js';
export { createModel, GPT, initState, type EmbeddingMatrix, type CreateModelOptions, type LossOptions, type StateDict, type FrozenParts } from './model.js';
export { InputError, type IdBatch } from './input.js';
export type { GenerateOptions, HeadPool } from './generate.js';
export type { LogprobRequest, LogprobResult, LogprobOptions } from './logprobs.js';
export { AdamW, clipGradNorm, type AdamWOptions, type AdamWState, type AdamWTensor } from './adamw.js';
export { WEBGPU_BINDING_LIMIT, shardSizes } from './weights.js';
export {
  saveCheckpoint, loadCheckpoint, serializeCheckpoint, parseCheckpointConfig, validateWeights, modelFromCheckpoint,
  CheckpointError, FORMAT, FORMAT_VERSION,
  type CheckpointDType, type CheckpointConfig, type CheckpointBytes, type SaveOptions, type LoadOptions, type LoadProgress,
} from './checkpoint.js';
export { fuseModels, FusedModel, FusionError, tableFingerprint, type FuseOptions, type FusionAverage, type FusedConfig } from './fuse.js';
export { saveFused, loadFused, serializeFused, parseFusedManifest, FUSED_FORMAT, FUSED_FORMAT_VERSION, type FusedManifest, type FusedBytes } from './fuse-io.js';
