// Checkpoint tests: round trips (F32 exact, F16/BF16 rounded), temp-file writes, every rejection path (no partial
// model, no tensor left behind), and loading over HTTP from a local server with progress.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { readSafetensors, writeSafetensors, float32ToFloat16, float16ToFloat32, float32ToBFloat16, bfloat16ToFloat32, type TensorInput } from '@glyphlm/tensor-io';
import { tf, useBackend, createModel, presets, loadCheckpoint, saveCheckpoint, CheckpointError, GPT } from './index.js';
import { Rng } from './rng.js';

tf.env().set('IS_TEST', false);
const tiny = presets['test-tiny'];
let work: string;

function matrix() {
  const data = new Rng(1).normal(new Float32Array(97 * 16), 0.3);
  return { rows: 97, dim: 16, data, meta: { recipe: 'bvv241-2-3', font: 'unifont' } };
}

beforeAll(async () => {
  await useBackend('wasm');
  work = mkdtempSync(join(tmpdir(), 'glyphlm-ckpt-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('checkpoints', () => {
  it('round-trips F32 exactly through a directory (frozen, metadata kept, temp files gone)', async () => {
    const m = createModel(tiny, { embedding: matrix(), seed: 3 });
    const dir = join(work, 'f32');
    await saveCheckpoint(m, dir);
    await saveCheckpoint(m, dir); // overwrite in place
    expect(readdirSync(dir).sort()).toEqual(['config.json', 'model.safetensors']);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({ format: 'glyphlm-gpt', formatVersion: 1, ...tiny, ropeBase: 10000, dropout: 0, embedding: 'frozen', dtype: 'F32', embeddingMeta: { recipe: 'bvv241-2-3' } });
    const st = readSafetensors(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))));
    expect(st.metadata).toEqual({ format: 'glyphlm-gpt', formatVersion: '1' });
    expect([...st.tensors.keys()].sort()).toEqual([
      'blocks.0.attn.proj.weight', 'blocks.0.attn.qkv.weight', 'blocks.0.mlp.fc.weight', 'blocks.0.mlp.proj.weight',
      'blocks.1.attn.proj.weight', 'blocks.1.attn.qkv.weight', 'blocks.1.mlp.fc.weight', 'blocks.1.mlp.proj.weight',
      'lm_head.weight', 'tok_embedding.weight']);
    expect(st.tensors.get('blocks.0.mlp.fc.weight')!.shape).toEqual([128, 32]);
    const m2 = await loadCheckpoint(dir);
    expect(m2.embeddingKind).toBe('frozen');
    expect(m2.embeddingMeta).toEqual({ recipe: 'bvv241-2-3', font: 'unifont' });
    const a = await m.stateDict();
    const b = await m2.stateDict();
    for (const [k, v] of a) expect(maxAbsDiff(v.data, b.get(k)!.data)).toBe(0);
    expect(maxAbsDiff(await m.logits([[1, 2, 3]]), await m2.logits([[1, 2, 3]]))).toBe(0);
    m.dispose();
    m2.dispose();
  });

  it('F16 and BF16 checkpoints hold exactly the rounded weights; trainable kind kept', async () => {
    const m = createModel(tiny, { embedding: 'trainable', seed: 4 });
    const a = await m.stateDict();
    for (const dtype of ['F16', 'BF16'] as const) {
      const bytes = await saveCheckpoint(m, undefined, { dtype });
      expect(JSON.parse(bytes.config).dtype).toBe(dtype);
      const m2 = await loadCheckpoint(bytes);
      expect(m2.embeddingKind).toBe('trainable');
      const b = await m2.stateDict();
      for (const [k, v] of a) {
        const r = dtype === 'F16' ? float16ToFloat32(float32ToFloat16(v.data)) : bfloat16ToFloat32(float32ToBFloat16(v.data));
        expect(maxAbsDiff(r, b.get(k)!.data)).toBe(0);
      }
      m2.dispose();
    }
    m.dispose();
  });

  describe('rejects bad checkpoints with clear errors and no partial model', () => {
    let good: { config: string; weights: Uint8Array };
    let tensors: Map<string, TensorInput>;
    beforeAll(async () => {
      const m = createModel(tiny, { embedding: 'trainable', seed: 5 });
      good = await saveCheckpoint(m);
      m.dispose();
      const st = readSafetensors(good.weights);
      tensors = new Map([...st.tensors].map(([k, v]) => [k, { dtype: v.dtype, shape: v.shape, data: v.toFloat32() }]));
    });
    const meta = { format: 'glyphlm-gpt', formatVersion: '1' };
    const cfgWith = (patch: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(good.config), ...patch });
    const withTensors = (f: (t: Map<string, TensorInput>) => void, md: Record<string, string> = meta) => {
      const t = new Map(tensors);
      f(t);
      return writeSafetensors(t, md);
    };
    const expectReject = async (config: string, weights: Uint8Array, re: RegExp) => {
      const n0 = tf.memory().numTensors;
      const v0 = Object.keys(tf.engine().registeredVariables).length;
      await expect(loadCheckpoint({ config, weights })).rejects.toThrow(re);
      expect(tf.memory().numTensors).toBe(n0);
      expect(Object.keys(tf.engine().registeredVariables).length).toBe(v0);
    };
    it('wrong magic / not a safetensors file', async () => {
      await expectReject(good.config, new TextEncoder().encode('PK\u0003\u0004 this is a zip, not safetensors'), /model.safetensors: header/);
      await expectReject(good.config, withTensors(() => {}, { format: 'other' }), /__metadata__.format is "other", expected "glyphlm-gpt"/);
      await expectReject(good.config, withTensors(() => {}, {} as Record<string, string>), /__metadata__.format/);
    });
    it('header length past the end of the file', async () => {
      const w = good.weights.slice();
      new DataView(w.buffer).setUint32(0, w.length + 100, true);
      await expectReject(good.config, w, /model.safetensors: header/);
      await expectReject(good.config, good.weights.subarray(0, good.weights.length - 7), /model.safetensors/); // truncated data
    });
    it('dtype and shape mismatches against config.json', async () => {
      await expectReject(cfgWith({ dtype: 'F16' }), good.weights, /tensor \S+ has dtype F32, config.json says F16/);
      await expectReject(cfgWith({ nEmbed: 8 }), good.weights, /tok_embedding.weight has shape \[97, 16\], config.json implies \[97, 8\]/);
      await expectReject(good.config, withTensors((t) => t.set('lm_head.weight', { dtype: 'F32', shape: [32, 97], data: new Float32Array(97 * 32) })), /lm_head.weight has shape \[32, 97\]/);
    });
    it('missing and extra tensors', async () => {
      await expectReject(good.config, withTensors((t) => t.delete('blocks.1.mlp.fc.weight')), /missing tensor\(s\) blocks.1.mlp.fc.weight/);
      await expectReject(good.config, withTensors((t) => t.set('blocks.2.attn.qkv.weight', { dtype: 'F32', shape: [96, 32], data: new Float32Array(96 * 32) })), /unexpected tensor\(s\) blocks.2.attn.qkv.weight/);
      await expectReject(cfgWith({ nLayer: 3 }), good.weights, /missing tensor\(s\) blocks.2/);
    });
    it('NaN or Inf in weights', async () => {
      const bad = (tensors.get('blocks.1.attn.proj.weight')!.data as Float32Array).slice();
      bad[5 * 32 + 7] = NaN;
      await expectReject(good.config, withTensors((t) => t.set('blocks.1.attn.proj.weight', { dtype: 'F32', shape: [32, 32], data: bad })), /blocks.1.attn.proj.weight has a non-finite value \(NaN\) at flat index 167 \(row 5\)/);
      const inf = (tensors.get('lm_head.weight')!.data as Float32Array).slice();
      inf[0] = Infinity;
      await expectReject(good.config, withTensors((t) => t.set('lm_head.weight', { dtype: 'F32', shape: [97, 32], data: inf })), /lm_head.weight has a non-finite value \(Infinity\)/);
    });
    it('bad config.json', async () => {
      await expectReject('{ nope', good.weights, /config.json: invalid JSON/);
      await expectReject(cfgWith({ format: 'gpt2' }), good.weights, /config.json: format is "gpt2"/);
      await expectReject(cfgWith({ formatVersion: 2 }), good.weights, /formatVersion 2 is not supported/);
      await expectReject(cfgWith({ nHead: 5 }), good.weights, /config.json: config.dModel \(32\) must be divisible by config.nHead \(5\)/);
      await expectReject(cfgWith({ embedding: 'learned' }), good.weights, /embedding must be "frozen" or "trainable"/);
    });
    it('a directory with a missing file names the file', async () => {
      const dir = join(work, 'half');
      const m = await loadCheckpoint(good);
      await saveCheckpoint(m, dir);
      m.dispose();
      rmSync(join(dir, 'model.safetensors'));
      await expect(loadCheckpoint(dir)).rejects.toThrow(/half\/model.safetensors: cannot read/);
    });
  });

  it('loads from a URL (local http server) with progress', async () => {
    const m = createModel(tiny, { embedding: matrix(), seed: 6 });
    const dir = join(work, 'http');
    await saveCheckpoint(m, dir);
    const size = statSync(join(dir, 'model.safetensors')).size;
    const server: Server = createServer((req, res) => {
      const f = join(dir, (req.url ?? '/').replace(/^\/ckpt\//, ''));
      try {
        const body = readFileSync(f);
        res.writeHead(200, { 'content-length': body.length });
        // send in pieces so progress has several steps
        let o = 0;
        const step = () => {
          if (o >= body.length) return res.end();
          res.write(body.subarray(o, o + 4096), () => setTimeout(step, 2));
          o += 4096;
        };
        step();
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const events: { loaded: number; total: number | undefined }[] = [];
      const m2 = await loadCheckpoint(`http://127.0.0.1:${port}/ckpt`, { onProgress: (p) => events.push({ ...p }) });
      expect(events.length).toBeGreaterThan(2);
      for (let i = 1; i < events.length; i++) expect(events[i].loaded).toBeGreaterThanOrEqual(events[i - 1].loaded);
      expect(events.every((e) => e.total === size)).toBe(true);
      expect(events[events.length - 1].loaded).toBe(size);
      expect(maxAbsDiff(await m.logits([[4, 5, 6]]), await m2.logits([[4, 5, 6]]))).toBe(0);
      m2.dispose();
      await expect(loadCheckpoint(`http://127.0.0.1:${port}/missing`)).rejects.toThrow(/config.json: HTTP 404/);
    } finally {
      await new Promise((r) => server.close(r));
    }
    // safetensors bytes + config option
    const m3 = await loadCheckpoint(new Uint8Array(readFileSync(join(dir, 'model.safetensors'))), { config: readFileSync(join(dir, 'config.json'), 'utf8') });
    expect(m3).toBeInstanceOf(GPT);
    m3.dispose();
    m.dispose();
    writeFileSync(join(work, 'x'), '');
    await expect(loadCheckpoint(new Uint8Array(4))).rejects.toThrow(CheckpointError);
  });
});
