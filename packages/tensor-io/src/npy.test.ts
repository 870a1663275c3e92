// .npy: exact bytes of a hand-checked file, round trips of every numpy-representable dtype, bad input.
import { describe, expect, it } from 'vitest';
import { type DType, TensorIOError, readNpy, toNpy } from './index.js';
import { randomTensor, rng } from '../test/helpers.js';

describe('npy', () => {
  it('writes the exact bytes numpy writes for np.array([1, -2], "<f4")', () => {
    const b = toNpy(Float32Array.of(1, -2), [2]);
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    const want = [0x93, ...new TextEncoder().encode('NUMPY'), 1, 0, 118, 0, ...new TextEncoder().encode(dict),
      ...new Array(128 - 10 - dict.length - 1).fill(32), 10, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0];
    expect([...b]).toEqual(want);
  });

  it('round-trips 500 random tensors of every numpy dtype', () => {
    const r = rng(7);
    const dts: DType[] = ['F64', 'F32', 'F16', 'I64', 'I32', 'I16', 'I8', 'U8', 'U16', 'U32', 'BOOL'];
    for (let i = 0; i < 500; i++) {
      const t = randomTensor(r, dts[i % dts.length]);
      const b = toNpy(t.data, t.shape, t.dtype);
      const back = readNpy(b);
      expect(back.dtype).toBe(t.dtype);
      expect(back.shape).toEqual(t.shape);
      expect(toNpy(back.toTypedArray(), back.shape, back.dtype)).toEqual(b);
    }
  });

  it('reads big-endian data and rejects bad files with named fields', () => {
    const le = toNpy(Int32Array.of(1, 256), [2]);
    const be = le.slice();
    const h = new TextDecoder().decode(be.subarray(10, 128)).replace("'<i4'", "'>i4'");
    be.set(new TextEncoder().encode(h), 10);
    be.set([0, 0, 0, 1, 0, 0, 1, 0], 128);
    expect([...(readNpy(be).toTypedArray() as Int32Array)]).toEqual([1, 256]);
    const err = (f: () => unknown, re: RegExp) => { expect(f).toThrow(TensorIOError); expect(f).toThrow(re); };
    err(() => readNpy(new Uint8Array(20), { source: 'x.npy' }), /x\.npy: magic/);
    err(() => readNpy(le.subarray(0, 130)), /npy: shape: .*8 bytes, but the file holds 2/);
    const big = le.slice(); big[8] = 0xff; big[9] = 0xff;
    err(() => readNpy(big), /header length 65535 runs past/);
    err(() => toNpy(new Uint16Array(1), [1], 'BF16'), /BF16 has no numpy dtype/);
    err(() => toNpy(new Float32Array(3), [2]), /data: shape \[2\]/);
    const f = le.slice(); f.set(new TextEncoder().encode("'fortran_order': True, "), 10 + 17);
    err(() => readNpy(f), /fortran_order|header/);
  });
});
