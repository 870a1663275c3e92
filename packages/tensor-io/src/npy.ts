// NumPy .npy (format versions 1.0/2.0/3.0) read and write, for interchange with numpy/PyTorch scripts.
// Writes version 1.0 (2.0 if the header needs it), C order, little-endian, header padded to 64 bytes.
// BF16 has no numpy dtype and is rejected; F16 maps to '<f2'.
import { TensorIOError } from './errors.js';
import { type DType, byteSwap, dtypeOfTypedArray, itemSize, shapeSize } from './dtype.js';
import { type TensorView, makeView, tensorBytes } from './tensor.js';

const DESCR: Partial<Record<DType, string>> = {
  F64: '<f8', F32: '<f4', F16: '<f2', I64: '<i8', I32: '<i4', I16: '<i2', I8: '|i1', U8: '|u1', U16: '<u2',
  U32: '<u4', BOOL: '|b1',
};
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Serialises a typed array as .npy. `dtype` defaults to the array's own (Uint16Array -> U16: pass 'F16' for
 * half floats; a Float32Array with dtype 'F16' is converted).
 */
export function toNpy(data: ArrayBufferView, shape: readonly number[], dtype?: DType): Uint8Array {
  const source = 'npy';
  const dt = dtype ?? dtypeOfTypedArray(data);
  if (dt === undefined) throw new TensorIOError(source, 'dtype', `cannot infer a dtype from ${data.constructor.name}`);
  const descr = DESCR[dt];
  if (descr === undefined) throw new TensorIOError(source, 'dtype', `${dt} has no numpy dtype`);
  const bytes = tensorBytes({ dtype: dt, shape, data }, source, 'data');
  const shapeStr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  let version = 1;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 0xffff) { version = 2; pre = 12; total = Math.ceil((pre + dict.length + 1) / 64) * 64; }
  const hlen = total - pre;
  const out = new Uint8Array(total + bytes.length);
  out.set(MAGIC, 0);
  out[6] = version; out[7] = 0;
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, hlen, true); else dv.setUint32(8, hlen, true);
  for (let i = 0; i < dict.length; i++) out[pre + i] = dict.charCodeAt(i);
  out.fill(0x20, pre + dict.length, total - 1);
  out[total - 1] = 0x0a;
  out.set(bytes, total);
  return out;
}

/** Parses a .npy file. Big-endian data is byte-swapped into the returned (little-endian) view. */
export function readNpy(bytes: Uint8Array, opts: { source?: string } = {}): TensorView {
  const source = opts.source ?? 'npy';
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) throw new TensorIOError(source, 'magic', 'not a .npy file');
  const major = bytes[6];
  if (major < 1 || major > 3) throw new TensorIOError(source, 'version', `unsupported .npy version ${major}.${bytes[7]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pre = major === 1 ? 10 : 12;
  if (bytes.length < pre) throw new TensorIOError(source, 'header length', 'file too short');
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (pre + hlen > bytes.length) {
    throw new TensorIOError(source, 'header length', `header length ${hlen} runs past the end of the file (${bytes.length} bytes)`);
  }
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(pre, pre + hlen));
  const descrM = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortranM = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeM = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrM || !fortranM || !shapeM) throw new TensorIOError(source, 'header', `cannot parse header ${JSON.stringify(header)}`);
  if (fortranM[1] === 'True') throw new TensorIOError(source, 'fortran_order', 'Fortran-order arrays are not supported');
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const descr = descrM[1];
  const code = /^[<>|=]/.test(descr) ? descr.slice(1) : descr;
  const dtype = (Object.keys(DESCR) as DType[]).find((k) => DESCR[k]!.slice(1) === code);
  if (dtype === undefined) throw new TensorIOError(source, 'descr', `unsupported dtype ${descr}`);
  const n = shapeSize(shape, source, 'shape');
  const want = n * itemSize(dtype);
  const avail = bytes.length - pre - hlen;
  if (avail !== want) {
    throw new TensorIOError(source, 'shape', `shape (${shape.join(', ')}) x ${itemSize(dtype)} bytes = ${want} bytes, but the file holds ${avail}`);
  }
  let data = bytes.subarray(pre + hlen);
  if (descr.startsWith('>') && itemSize(dtype) > 1) {
    data = data.slice();
    byteSwap(data, itemSize(dtype));
  }
  return makeView(dtype, shape, data);
}
