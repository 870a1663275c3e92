// toSafetensors/fromSafetensors round trip and bad input (bad header, wrong sizes, header past the end).
import { describe, expect, it } from 'vitest';
import { fromSafetensors, toSafetensors } from './safetensors.js';
import type { EmbeddingMatrix } from './types.js';

function matrix(rows: number, dim: number): EmbeddingMatrix {
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = Math.fround(Math.sin(i * 0.37) * 0.5);
  return { rows, dim, data, meta: { recipe: 'bvv241-2-3', tokenizer: 'bvv241-2-3', missingGlyphTokens: 1, pca: null } };
}

function headerJson(bytes: Uint8Array): { n: number; json: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, json: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
}

function withHeader(json: string, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips data bit-exactly and the metadata', () => {
    const m = matrix(37, 24);
    const bytes = toSafetensors(m);
    const { json } = headerJson(bytes);
    expect(JSON.parse(json).embeddings).toMatchObject({ dtype: 'F32', shape: [37, 24] });
    const back = fromSafetensors(bytes);
    expect([back.rows, back.dim]).toEqual([37, 24]);
    expect(Buffer.from(back.data.buffer, back.data.byteOffset, back.data.byteLength).equals(Buffer.from(m.data.buffer))).toBe(true);
    expect(back.meta).toEqual(m.meta);
  });
  it('rejects data length != rows*dim on write', () => {
    expect(() => toSafetensors({ ...matrix(3, 4), rows: 4 })).toThrow(/data has 12 values, expected rows\*dim = 4\*4/);
  });
  it('header length larger than the file', () => {
    const b = toSafetensors(matrix(4, 4));
    new DataView(b.buffer).setBigUint64(0, BigInt(b.length * 10), true);
    expect(() => fromSafetensors(b, { source: 'big.safetensors' })).toThrow(/big\.safetensors/);
  });
  it('truncated file (data shorter than the header says)', () => {
    const b = toSafetensors(matrix(4, 4));
    expect(() => fromSafetensors(b.subarray(0, b.length - 8), { source: 'cut.safetensors' })).toThrow(/cut\.safetensors/);
  });
  it('bad JSON header', () => {
    const b = toSafetensors(matrix(2, 2));
    const { n } = headerJson(b);
    const bad = b.slice();
    bad[8] = 0x7b; bad[9] = 0x7b; // "{{"
    expect(() => fromSafetensors(bad, { source: 'json.safetensors' })).toThrow(/json\.safetensors/);
    expect(n).toBeGreaterThan(0);
  });
  it('shape that does not match the byte range', () => {
    const data = new Uint8Array(4 * 6);
    const bad = withHeader(JSON.stringify({ embeddings: { dtype: 'F32', shape: [2, 4], data_offsets: [0, 24] } }), data);
    expect(() => fromSafetensors(bad, { source: 'shape.safetensors' })).toThrow(/shape\.safetensors/);
  });
  it('no embeddings tensor and no unique 2-D float tensor', () => {
    const data = new Uint8Array(16);
    const bad = withHeader(JSON.stringify({ a: { dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2, 1], data_offsets: [8, 16] } }), data);
    expect(() => fromSafetensors(bad, { source: 'two.safetensors' })).toThrow(/two\.safetensors: no 'embeddings' tensor and 2 other 2-D float tensors/);
  });
  it('bad glyphlm metadata JSON', () => {
    const data = new Uint8Array(8);
    const bad = withHeader(JSON.stringify({ __metadata__: { glyphlm: '{nope' }, embeddings: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } }), data);
    expect(() => fromSafetensors(bad, { source: 'meta.safetensors' })).toThrow(/meta\.safetensors: metadata field 'glyphlm' is not valid JSON/);
  });
  it('accepts another 2-D float tensor (F16) when there is exactly one', () => {
    const data = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1.0, -2.0 in F16
    const f = withHeader(JSON.stringify({ w: { dtype: 'F16', shape: [1, 2], data_offsets: [0, 4] } }), data);
    const m = fromSafetensors(f);
    expect(Array.from(m.data)).toEqual([1, -2]);
  });
});
