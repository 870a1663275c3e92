// Shard directories: round trip through writeShards/readShards (several shards, masks), numpy memory-maps the
// files with the documented header, and damaged or mismatched files are errors naming the file and field.
import { describe, expect, test } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, truncateSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { tokenizeCorpus } from '../data/corpus.js';
import { seededDocuments } from '../data/testing.js';
import { readShards, writeShards } from './data-shards.js';

describe('shard directories', () => {
  const tok = bvv241('2-3');
  const data = tokenizeCorpus(tok, seededDocuments(21, 80, 400), {
    sft: { examples: [{ prompt: 'Q: one', response: ' two' }, { prompt: 'Q: three', response: ' four' }], ratio: 0.1, maskPrompt: true },
  });

  test('round trip with several shards and masks; numpy memmaps the ids', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glyphlm-shards-'));
    try {
      const dir = join(root, 'corpus');
      const m = await writeShards(data, dir, { shardTokens: 5000 });
      expect(m.shards.train.length).toBe(Math.ceil(data.train.length / 5000));
      expect(readdirSync(root)).toEqual(['corpus']); // no temp dir left behind
      const back = await readShards(dir);
      expect(back.train).toEqual(data.train);
      expect(back.val).toEqual(data.val);
      expect(back.trainMask).toEqual(data.trainMask);
      expect(back.valMask).toEqual(data.valMask);
      expect(back.meta).toEqual(data.meta);

      const script = `
import json, sys
import numpy as np
d = sys.argv[1]
m = json.load(open(d + '/corpus.json'))
out = []
for e in m['shards']['train']:
    p = d + '/' + e['file']
    h = np.fromfile(p, dtype='<i4', count=8)
    assert h[0] == 0x314D4C47 and h[1] == 1 and h[2] == 2 and h[3] == 65536, h
    n = int(np.uint32(h[4])) + (int(np.uint32(h[5])) << 32)
    ids = np.memmap(p, dtype=np.uint16, mode='r', offset=1024, shape=(n,))
    out.extend(int(x) for x in ids)
    mask = np.memmap(d + '/' + e['mask'], dtype=np.uint8, mode='r', offset=1024, shape=(n,))
    assert mask.min() >= 0 and mask.max() <= 1
# the corpus fingerprint is SHA-256 of a header and the shard bodies as stored (ids, then masks)
import hashlib
body = lambda f: open(d + '/' + f, 'rb').read()[1024:]
tr, va = m['shards']['train'], m['shards']['val']
nt, nv = sum(e['tokens'] for e in tr), sum(e['tokens'] for e in va)
h = hashlib.sha256(f"glyphlm-corpus/1 vocab={m['vocabSize']} train={nt} val={nv} masks=1\\n".encode())
for part in [[e['file'] for e in tr], [e['file'] for e in va], [e['mask'] for e in tr], [e['mask'] for e in va]]:
    for f in part: h.update(body(f))
print(json.dumps({'n': len(out), 'sum': sum(out), 'head': out[:50], 'tail': out[-50:], 'fingerprint': h.hexdigest()}))`;
      let py: { n: number; sum: number; head: number[]; tail: number[]; fingerprint: string } | null = null;
      try {
        py = JSON.parse(execFileSync('python3', ['-c', script, dir], { encoding: 'utf8' }));
      } catch (e) {
        const msg = (e as Error).message;
        if (/No module named 'numpy'|ENOENT/.test(msg)) console.warn(`data-shards.test: python3 with numpy unavailable; numpy check skipped (${msg.split('\n')[0]})`);
        else throw e;
      }
      if (py) {
        expect(py.n).toBe(data.train.length);
        expect(py.sum).toBe(data.train.reduce((a, b) => a + b, 0));
        expect(py.head).toEqual(Array.from(data.train.subarray(0, 50)));
        expect(py.tail).toEqual(Array.from(data.train.subarray(-50)));
        expect(py.fingerprint).toBe(data.meta.fingerprint);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('damaged directories: errors name the file and field', async () => {
    const root = mkdtempSync(join(tmpdir(), 'glyphlm-shards-'));
    try {
      const fresh = async (name: string) => { const d = join(root, name); await writeShards(data, d, { shardTokens: 4000 }); return d; };
      let d = await fresh('a');
      truncateSync(join(d, 'train-00001.bin'), 2000);
      await expect(readShards(d)).rejects.toThrow(/train-00001\.bin: body: truncated: 976 bytes for 4000 tokens/);

      d = await fresh('b');
      const p = join(d, 'val-00000.bin');
      const b = readFileSync(p); b[1024 + 10] ^= 0x40; writeFileSync(p, b);
      await expect(readShards(d)).rejects.toThrow(/val-00000\.bin: crc32: body checksum/);

      d = await fresh('c');
      const mj = JSON.parse(readFileSync(join(d, 'corpus.json'), 'utf8'));
      [mj.shards.train[0], mj.shards.train[1]] = [mj.shards.train[1], mj.shards.train[0]];
      writeFileSync(join(d, 'corpus.json'), JSON.stringify(mj));
      await expect(readShards(d)).rejects.toThrow(/train-00001\.bin: meta\.index: 1, expected 0/);

      const shortList = { ...mj, shards: { ...mj.shards, train: [mj.shards.train[1]] } };
      writeFileSync(join(d, 'corpus.json'), JSON.stringify(shortList));
      await expect(readShards(d)).rejects.toThrow(/train-00000\.bin: meta\.count: \d+, expected 1/);
      [mj.shards.train[0], mj.shards.train[1]] = [mj.shards.train[1], mj.shards.train[0]];
      mj.meta.tokens.train += 1;
      writeFileSync(join(d, 'corpus.json'), JSON.stringify(mj));
      await expect(readShards(d)).rejects.toThrow(/corpus\.json: meta\.tokens\.train: \d+, but the shards hold \d+/);

      writeFileSync(join(d, 'corpus.json'), '{"format": "glyphlm-corpus", ');
      await expect(readShards(d)).rejects.toThrow(/corpus\.json: json: not valid JSON/);
      await expect(readShards(join(root, 'none'))).rejects.toThrow(/cannot read .*none\/corpus\.json \(ENOENT\)/);

      d = await fresh('e');
      const p2 = join(d, 'train-00000.bin');
      const b2 = readFileSync(p2); b2.writeInt32LE(50257, 12); writeFileSync(p2, b2);
      await expect(readShards(d)).rejects.toThrow(/train-00000\.bin: vocabSize: 50257 does not match the expected 65536/);

      // an existing non-empty directory is not overwritten unless asked; a failed write leaves nothing behind
      mkdirSync(join(root, 'full'));
      writeFileSync(join(root, 'full', 'x'), 'keep');
      await expect(writeShards(data, join(root, 'full'))).rejects.toThrow(/is not empty/);
      await writeShards(data, join(root, 'full'), { overwrite: true });
      expect((await readShards(join(root, 'full'))).meta.fingerprint).toBe(data.meta.fingerprint);
      const bad = { ...data, train: Uint32Array.from(data.train) };
      bad.train[5] = 70000;
      const before = readdirSync(root).sort();
      await expect(writeShards(bad, join(root, 'g'))).rejects.toThrow(/train-00000\.bin: ids\[5\]: id 70000 is outside the vocabulary/);
      expect(readdirSync(root).sort()).toEqual(before);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
