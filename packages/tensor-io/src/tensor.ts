// What goes into a writer (TensorInput) and what comes out of a reader (TensorView), and the conversion of a
// TensorInput's data to the raw little-endian bytes both file formats store.
import { TensorIOError } from './errors.js';
import {
  type AnyTypedArray, type DType, type TypedArrayFor, LITTLE_ENDIAN, byteSwap, bytesToFloat32, bytesToTypedArray,
  itemSize, shapeSize,
} from './dtype.js';
import { float32ToBFloat16, float32ToFloat16 } from './half.js';

/**
 * A tensor to write. `data` is either the dtype's typed array (F16/BF16: Uint16Array of bit patterns), raw
 * little-endian bytes (a Uint8Array), or, for F16/BF16/F32/F64, a Float32Array/Float64Array that is converted
 * (round-to-nearest-even).
 */
export interface TensorInput {
  dtype: DType;
  shape: readonly number[];
  data: ArrayBufferView;
}

/** A tensor read from a file. `bytes` is a view into the file's bytes (no copy); the methods copy. */
export interface TensorView {
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Raw little-endian bytes of the elements, row-major. */
  readonly bytes: Uint8Array;
  /** Number of elements. */
  readonly size: number;
  /** A new Float32Array (F16/BF16 decoded exactly; F64 rounded; integers converted). */
  toFloat32(): Float32Array;
  /** A new typed array of the dtype's natural type (F16/BF16: Uint16Array bit patterns; I64: BigInt64Array). */
  toTypedArray(): AnyTypedArray;
}

export function makeView(dtype: DType, shape: readonly number[], bytes: Uint8Array): TensorView {
  const frozenShape = Object.freeze([...shape]);
  return {
    dtype, shape: frozenShape, bytes, size: bytes.length / itemSize(dtype),
    toFloat32: () => bytesToFloat32(dtype, bytes),
    toTypedArray: () => bytesToTypedArray(dtype, bytes),
  };
}

function naturalMatches(dtype: DType, d: ArrayBufferView): boolean {
  switch (dtype) {
    case 'F64': return d instanceof Float64Array;
    case 'F32': return d instanceof Float32Array;
    case 'F16': case 'BF16': case 'U16': return d instanceof Uint16Array;
    case 'I64': return d instanceof BigInt64Array;
    case 'I32': return d instanceof Int32Array;
    case 'I16': return d instanceof Int16Array;
    case 'I8': return d instanceof Int8Array;
    case 'U8': case 'BOOL': return d instanceof Uint8Array;
    case 'U32': return d instanceof Uint32Array;
  }
}

/** The little-endian bytes of a TensorInput, validated against its shape. May return a view of the input. */
export function tensorBytes(t: TensorInput, source: string, name: string): Uint8Array {
  const { dtype } = t;
  const n = shapeSize(t.shape, source, name);
  let d = t.data;
  if (!ArrayBuffer.isView(d)) throw new TensorIOError(source, name, 'data is not a typed array');
  if (dtype === 'F16' || dtype === 'BF16') {
    if (d instanceof Float64Array) d = Float32Array.from(d);
    if (d instanceof Float32Array) d = dtype === 'F16' ? float32ToFloat16(d) : float32ToBFloat16(d);
  } else if (dtype === 'F32' && d instanceof Float64Array) {
    d = Float32Array.from(d);
  } else if (dtype === 'F64' && d instanceof Float32Array) {
    d = Float64Array.from(d);
  }
  const size = itemSize(dtype);
  const raw = d instanceof Uint8Array && !naturalMatches(dtype, d);
  if (!raw && !naturalMatches(dtype, d) && !(d instanceof Uint8Array)) {
    throw new TensorIOError(source, name, `data is a ${d.constructor.name}, which does not hold ${dtype}`);
  }
  let bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  if (bytes.length !== n * size) {
    throw new TensorIOError(source, name,
      `shape [${t.shape.join(', ')}] x ${size} bytes (${dtype}) = ${n * size} bytes, but data has ${bytes.length}`);
  }
  if (dtype === 'BOOL') {
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] > 1) throw new TensorIOError(source, name, `BOOL element ${i} is ${bytes[i]}, not 0 or 1`);
    }
  }
  if (!LITTLE_ENDIAN && !raw && size > 1) {
    bytes = bytes.slice();
    byteSwap(bytes, size);
  }
  return bytes;
}

export type { TypedArrayFor };
