// @glyphlm/tensor-io: safetensors and .npy read/write with no dependencies and no Node built-ins.
export { TensorIOError } from './errors.js';
export { type DType, type TypedArrayFor, type AnyTypedArray, DTYPES, isDType, itemSize, shapeSize } from './dtype.js';
export { float32ToFloat16, float16ToFloat32, float32ToBFloat16, bfloat16ToFloat32 } from './half.js';
export { type TensorInput, type TensorView } from './tensor.js';
export {
  type SafetensorsEntry, type SafetensorsHeader, type Safetensors, type ReadOptions, type HeaderOptions, type WriteOptions,
  MAX_HEADER_BYTES, readSafetensors, readSafetensorsHeader, safetensorsHeaderSize, writeSafetensors,
} from './safetensors.js';
export { type StreamOptions, type StreamProgress, readSafetensorsStream } from './stream.js';
export { toNpy, readNpy } from './npy.js';
