// Element types shared by safetensors and .npy: byte sizes, the natural typed array of each, and the
// conversions from raw little-endian bytes to typed arrays / Float32Array.
import { TensorIOError } from './errors.js';
import { bfloat16ToFloat32, float16ToFloat32 } from './half.js';

/** The safetensors dtype names this package reads and writes. */
export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'U16' | 'U32' | 'BOOL';

/** All supported dtypes, in the order of their names above. */
export const DTYPES: readonly DType[] = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U8', 'U16', 'U32', 'BOOL'];

/** The typed array that holds each dtype's elements (F16/BF16: the raw 16-bit patterns). */
export interface TypedArrayFor {
  F64: Float64Array; F32: Float32Array; F16: Uint16Array; BF16: Uint16Array; I64: BigInt64Array; I32: Int32Array;
  I16: Int16Array; I8: Int8Array; U8: Uint8Array; U16: Uint16Array; U32: Uint32Array; BOOL: Uint8Array;
}
export type AnyTypedArray = TypedArrayFor[DType];

type Ctor = { new (n: number): AnyTypedArray; new (b: ArrayBufferLike, off: number, n: number): AnyTypedArray };

const CTOR: Record<DType, Ctor> = {
  F64: Float64Array, F32: Float32Array, F16: Uint16Array, BF16: Uint16Array, I64: BigInt64Array, I32: Int32Array,
  I16: Int16Array, I8: Int8Array, U8: Uint8Array, U16: Uint16Array, U32: Uint32Array, BOOL: Uint8Array,
} as unknown as Record<DType, Ctor>;

const SIZE: Record<DType, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, U16: 2, U32: 4, BOOL: 1,
};

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(SIZE, s);
}

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  return SIZE[dtype];
}

/** Number of elements of a shape (1 for a scalar `[]`). Throws on a non-integer or negative dimension. */
export function shapeSize(shape: readonly number[], source = 'shape', field?: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new TensorIOError(source, field, `shape [${shape.join(', ')}] has an invalid dimension ${String(d)}`);
    }
    n *= d;
  }
  if (!Number.isSafeInteger(n)) throw new TensorIOError(source, field, `shape [${shape.join(', ')}] is too large`);
  return n;
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of every `size`-byte element of `b` in place. */
export function byteSwap(b: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= b.length; i += size) {
    for (let j = 0, k = size - 1; j < k; j++, k--) {
      const t = b[i + j]; b[i + j] = b[i + k]; b[i + k] = t;
    }
  }
}

/** Raw little-endian bytes -> a new typed array of the dtype's natural type (always a copy, always aligned). */
export function bytesToTypedArray<D extends DType>(dtype: D, bytes: Uint8Array): TypedArrayFor[D] {
  const size = SIZE[dtype];
  const n = Math.floor(bytes.length / size);
  const copy = bytes.slice(0, n * size);
  if (!LITTLE_ENDIAN) byteSwap(copy, size);
  return new CTOR[dtype](copy.buffer, 0, n) as TypedArrayFor[D];
}

/** Raw little-endian bytes -> Float32Array (F16/BF16 decoded, integers and F64 converted with rounding). */
export function bytesToFloat32(dtype: DType, bytes: Uint8Array): Float32Array {
  const size = SIZE[dtype];
  if (LITTLE_ENDIAN && bytes.byteOffset % size === 0 && (dtype === 'F16' || dtype === 'BF16')) {
    const view = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1); // no intermediate copy
    return dtype === 'F16' ? float16ToFloat32(view) : bfloat16ToFloat32(view);
  }
  const a = bytesToTypedArray(dtype, bytes);
  if (dtype === 'F32') return a as Float32Array;
  if (dtype === 'F16') return float16ToFloat32(a as Uint16Array);
  if (dtype === 'BF16') return bfloat16ToFloat32(a as Uint16Array);
  const out = new Float32Array(a.length);
  if (dtype === 'I64') {
    const b = a as BigInt64Array;
    for (let i = 0; i < b.length; i++) out[i] = Number(b[i]);
  } else {
    out.set(a as Exclude<AnyTypedArray, BigInt64Array>);
  }
  return out;
}

/** The dtype of a typed array when unambiguous (Uint16Array -> U16; F16/BF16 must be named explicitly). */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | undefined {
  if (a instanceof Float64Array) return 'F64';
  if (a instanceof Float32Array) return 'F32';
  if (a instanceof BigInt64Array) return 'I64';
  if (a instanceof Int32Array) return 'I32';
  if (a instanceof Int16Array) return 'I16';
  if (a instanceof Int8Array) return 'I8';
  if (a instanceof Uint8Array) return 'U8';
  if (a instanceof Uint16Array) return 'U16';
  if (a instanceof Uint32Array) return 'U32';
  return undefined;
}
