// safetensors: exact bytes of a hand-checked file, seeded random round trips (whole-buffer and streamed),
// every malformed-header case, and a corruption fuzz that must only ever raise TensorIOError.
import { describe, expect, it } from 'vitest';
import {
  type TensorInput, TensorIOError, bfloat16ToFloat32, float16ToFloat32, float32ToBFloat16, float32ToFloat16, itemSize,
  readSafetensors, readSafetensorsHeader, readSafetensorsStream, safetensorsHeaderSize, writeSafetensors,
} from './index.js';
import { randInt, randomSet, rng } from '../test/helpers.js';

const enc = new TextEncoder();

/** Builds a file from a raw header string and data bytes (the writer is not used: tests the reader alone). */
function rawFile(header: string, data: number[] | Uint8Array = [], lenOverride?: number): Uint8Array {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, lenOverride ?? h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function expectedBytes(t: TensorInput): Uint8Array {
  let d = t.data;
  if ((t.dtype === 'F16' || t.dtype === 'BF16') && d instanceof Float32Array) {
    d = t.dtype === 'F16' ? float32ToFloat16(d) : float32ToBFloat16(d);
  }
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}

function throwsIO(f: () => unknown, ...parts: (string | RegExp)[]): void {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(TensorIOError);
  for (const p of parts) expect((err as Error).message).toMatch(p);
}

describe('writeSafetensors', () => {
  it('writes the exact hand-checked bytes of a small file', () => {
    const bytes = writeSafetensors(
      { a: { dtype: 'F32', shape: [2], data: Float32Array.of(1, -2) }, b: { dtype: 'U8', shape: [3], data: Uint8Array.of(1, 2, 3) } },
      { format: 'x' },
    );
    const json = '{"__metadata__":{"format":"x"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
      '"b":{"dtype":"U8","shape":[3],"data_offsets":[8,11]}}';
    expect(json.length).toBe(137); // padded to 144 so that 8 + 144 is a multiple of 8
    const want = [144, 0, 0, 0, 0, 0, 0, 0, ...enc.encode(json), 32, 32, 32, 32, 32, 32, 32,
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0, 1, 2, 3];
    expect([...bytes]).toEqual(want);
  });

  it('orders by item size (alignment) and keeps the given order among equals', () => {
    const bytes = writeSafetensors({
      z: { dtype: 'U8', shape: [1], data: Uint8Array.of(7) },
      y: { dtype: 'F64', shape: [1], data: Float64Array.of(1) },
      x: { dtype: 'BF16', shape: [1], data: Float32Array.of(1) },
      w: { dtype: 'F16', shape: [1], data: Uint16Array.of(0x3c00) },
    });
    const { header, tensors } = readSafetensors(bytes);
    expect(header.entries.map((e) => e.name)).toEqual(['y', 'x', 'w', 'z']);
    expect(header.dataOffset % 8).toBe(0);
    expect(tensors.get('x')!.toFloat32()[0]).toBe(1);
    expect([...tensors.get('x')!.bytes]).toEqual([0x80, 0x3f]);
    expect(tensors.get('w')!.toFloat32()[0]).toBe(1);
  });

  it('rejects data that does not match the shape, wrong array types, bad BOOLs and bad metadata', () => {
    throwsIO(() => writeSafetensors({ w: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } }), 'w', '16 bytes', '12');
    throwsIO(() => writeSafetensors({ w: { dtype: 'I32', shape: [1], data: new Float32Array(1) } }), 'w', 'Float32Array');
    throwsIO(() => writeSafetensors({ w: { dtype: 'XX' as never, shape: [1], data: new Float32Array(1) } }), 'w', 'unknown dtype');
    throwsIO(() => writeSafetensors({ m: { dtype: 'BOOL', shape: [2], data: Uint8Array.of(0, 2) } }), 'm', 'BOOL');
    throwsIO(() => writeSafetensors({ w: { dtype: 'F32', shape: [-1], data: new Float32Array(0) } }), 'w', 'invalid dimension');
    throwsIO(() => writeSafetensors({}, { a: 1 as never }), '__metadata__.a');
    throwsIO(() => writeSafetensors({ __metadata__: { dtype: 'U8', shape: [], data: Uint8Array.of(1) } }), 'reserved');
  });
});

describe('round trips', () => {
  it('300 seeded random tensor sets of every dtype survive write -> read (and a streamed read) bit for bit', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const set = randomSet(r);
      const meta = r() < 0.5 ? undefined : { seed: String(seed), 'ключ': 'значение "q"\n' };
      const bytes = writeSafetensors(set, meta);
      const file = readSafetensors(bytes, { source: `seed ${seed}` });
      expect(file.metadata).toEqual(meta ?? {});
      expect([...file.tensors.keys()].sort()).toEqual(Object.keys(set).sort());
      for (const [name, t] of Object.entries(set)) {
        const v = file.tensors.get(name)!;
        expect(v.dtype).toBe(t.dtype);
        expect(v.shape).toEqual(t.shape);
        expect(v.bytes).toEqual(expectedBytes(t));
        expect(v.bytes.byteOffset % itemSize(t.dtype)).toBe(0);
        const f = v.toFloat32();
        if (t.dtype === 'F32') expect(f).toEqual(t.data);
        if (t.dtype === 'F16') expect(f).toEqual(float16ToFloat32(float32ToFloat16(t.data as Float32Array)));
        if (t.dtype === 'BF16') expect(f).toEqual(bfloat16ToFloat32(float32ToBFloat16(t.data as Float32Array)));
        if (t.dtype === 'F64') expect(f).toEqual(Float32Array.from(t.data as Float64Array));
        if (t.dtype === 'I64') expect(f).toEqual(Float32Array.from(t.data as BigInt64Array, Number));
        if (t.dtype === 'I64') expect(v.toTypedArray()).toEqual(t.data);
      }
      // streamed, in random chunk sizes, with progress
      const chunks: Uint8Array[] = [];
      for (let o = 0; o < bytes.length;) { const n = randInt(r, 1, 40); chunks.push(bytes.slice(o, o + n)); o += n; }
      const seen: number[] = [];
      const streamed = await readSafetensorsStream(
        (async function* () { yield* chunks; })(),
        { onProgress: (p) => { seen.push(p.loaded); if (p.total !== undefined) expect(p.total).toBe(bytes.length); } },
      );
      expect(seen[seen.length - 1]).toBe(bytes.length);
      for (const [name, v] of file.tensors) expect(streamed.tensors.get(name)!.bytes).toEqual(v.bytes);
    }
  });

  it('reads from a web ReadableStream too', async () => {
    const bytes = writeSafetensors({ a: { dtype: 'F32', shape: [3], data: Float32Array.of(1, 2, 3) } });
    const s = new ReadableStream<Uint8Array>({ start(c) { c.enqueue(bytes.slice(0, 5)); c.enqueue(bytes.slice(5)); c.close(); } });
    const f = await readSafetensorsStream(s, { totalBytes: bytes.length });
    expect([...f.tensors.get('a')!.toFloat32()]).toEqual([1, 2, 3]);
  });
});

describe('readSafetensors rejects malformed files with errors naming the source and field', () => {
  const src = { source: 'model.safetensors' };
  const ok = (extra = '') => `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}${extra}}`;
  it('short files and bad header lengths', () => {
    throwsIO(() => readSafetensors(new Uint8Array(5), src), 'model.safetensors', 'header length', 'fewer than the 8-byte');
    throwsIO(() => readSafetensors(rawFile(ok(), new Uint8Array(8), 1000), src), 'model.safetensors', 'header length 1000 runs past the end');
    const huge = new Uint8Array(16); huge[7] = 0x7f;
    throwsIO(() => readSafetensors(huge, src), 'header length');
    throwsIO(() => readSafetensors(rawFile('{}', [], 0), src), 'header length 0');
    throwsIO(() => safetensorsHeaderSize(rawFile('{}', [], 200_000_000), src), 'exceeds');
  });
  it('invalid UTF-8 / JSON / non-object headers', () => {
    throwsIO(() => readSafetensors(rawFile('{"w": [', []), src), 'model.safetensors: header', 'not valid JSON');
    throwsIO(() => readSafetensors(rawFile('[1, 2]', []), src), 'header does not start');
    const bad = rawFile('{"\u00e9":1}'); bad[10] = 0xff;
    throwsIO(() => readSafetensors(bad, src), 'UTF-8');
    throwsIO(() => readSafetensors(rawFile('{"__metadata__":{"a":1}}'), src), '__metadata__.a', 'not a string');
    throwsIO(() => readSafetensors(rawFile('{"__metadata__":[]}'), src), '__metadata__');
    throwsIO(() => readSafetensors(rawFile('{"w":5}'), src), 'model.safetensors: w: header entry');
  });
  it('unknown dtypes, bad shapes and offsets', () => {
    const d8 = new Uint8Array(8);
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}', [0, 0]), src), 'w.dtype', 'unknown dtype "F8_E4M3"');
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}', d8), src), 'w.shape');
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}', d8), src), 'w.shape');
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0]}}', d8), src), 'w.data_offsets');
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', d8), src), 'w.data_offsets', 'before begin');
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', d8), src), 'model.safetensors: w', '12 bytes', 'hold 8');
    throwsIO(() => readSafetensors(rawFile(ok(), new Uint8Array(4)), src), 'w', 'past the data section', 'truncated');
    throwsIO(() => readSafetensors(rawFile(ok(), new Uint8Array(12)), src), 'trailing bytes');
    throwsIO(() => readSafetensors(rawFile(ok(',"v":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}'), d8), src), 'overlap', '"w"');
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}', d8), src), 'model.safetensors: w', 'gap');
    throwsIO(() => readSafetensors(rawFile('{"w":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}', d8), src), 'w.shape');
  });
  it('the header parser works on a prefix (URL loads) and checks a known file size', () => {
    const bytes = writeSafetensors({ w: { dtype: 'F32', shape: [1000], data: new Float32Array(1000) } }, { k: 'v' });
    const need = safetensorsHeaderSize(bytes.subarray(0, 8));
    const h = readSafetensorsHeader(bytes.subarray(0, need), { fileSize: bytes.length });
    expect(h.fileSize).toBe(bytes.length);
    expect(h.entries).toEqual([{ name: 'w', dtype: 'F32', shape: [1000], begin: 0, end: 4000 }]);
    expect(h.metadata).toEqual({ k: 'v' });
    throwsIO(() => readSafetensorsHeader(bytes.subarray(0, need - 1)), 'runs past the end of the');
    throwsIO(() => readSafetensorsHeader(bytes.subarray(0, need), { fileSize: bytes.length - 1, source: 'https://x/m.safetensors' }),
      'https://x/m.safetensors', 'truncated');
  });
  it('streams: truncated and overlong streams', async () => {
    const bytes = writeSafetensors({ w: { dtype: 'F32', shape: [4], data: new Float32Array(4) } });
    const gen = (b: Uint8Array) => (async function* () { yield b; })();
    await expect(readSafetensorsStream(gen(bytes.subarray(0, bytes.length - 1)), { source: 'u' })).rejects.toThrow(/u: data_offsets: stream ended after/);
    const longer = new Uint8Array(bytes.length + 3); longer.set(bytes);
    await expect(readSafetensorsStream(gen(longer))).rejects.toThrow(/more than the/);
    await expect(readSafetensorsStream(gen(bytes.subarray(0, 20)))).rejects.toBeInstanceOf(TensorIOError);
    await expect(readSafetensorsStream(gen(bytes), { totalBytes: bytes.length + 1 })).rejects.toThrow(/trailing/);
  });

  it('fuzz: 3,000 corrupted or truncated files either parse within bounds or throw TensorIOError', () => {
    const r = rng(99);
    for (let i = 0; i < 3000; i++) {
      const good = writeSafetensors(randomSet(r, randInt(r, 1, 4)), { a: 'b' });
      let b = good.slice();
      const k = randInt(r, 0, 3);
      if (k === 0) b = b.slice(0, randInt(r, 0, b.length - 1));
      else {
        const flips = randInt(r, 1, 4);
        const hlen = new DataView(b.buffer).getUint32(0, true);
        for (let j = 0; j < flips; j++) {
          const at = k === 1 ? randInt(r, 0, 7) : randInt(r, 8, 8 + hlen - 1);
          b[at] = k === 3 ? '0123456789[]{},:"'.charCodeAt(randInt(r, 0, 16)) : randInt(r, 0, 255);
        }
      }
      try {
        const f = readSafetensors(b);
        for (const v of f.tensors.values()) {
          expect(v.bytes.byteOffset + v.bytes.length).toBeLessThanOrEqual(b.byteOffset + b.length);
          v.toFloat32();
        }
      } catch (e) {
        if (!(e instanceof TensorIOError)) throw new Error(`case ${i}: ${String(e)}`);
      }
    }
  });
});
