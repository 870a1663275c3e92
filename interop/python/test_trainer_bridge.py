"""Unit tests of the trainer bridge (trainer_data.py, continue_training.py): `python3 -m unittest test_trainer_bridge`.

- The sampler against golden values printed by JavaScript (Math.imul, the trainer's own arithmetic) and against an
  independent vectorised numpy uint32 implementation with exact rational floors on 20,000 seeded inputs.
- Shard directories written here by the shared format: memory-mapped reading across shard boundaries, loss masks,
  and every rejection (magic, version, id width, truncation, numbering, mask pairing, ids outside the vocabulary).
- The lr schedule against its closed form.
- continue_training.py against an independent reference loop (one process, micro-batches concatenated, mean loss,
  torch.optim.AdamW, clip_grad_norm_) over steps N..N+M of a run with gradient accumulation, masks and clipping;
  stop-and-resume in place equals one continuation bit for bit; 2-process torchrun (DDP, gloo) equals 1 process.
- Clear errors for a foreign data fingerprint, a schedule overrun and a broken optimizer file.
About 25 s on 2 cores (the torchrun case is most of it; BRIDGE_SKIP_TORCHRUN=1 skips it).
"""
import hashlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zlib
from contextlib import redirect_stdout
from fractions import Fraction

import numpy as np
import torch
import torch.distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import checkpoint  # noqa: E402
import continue_training as ct  # noqa: E402
import safetensors_lite as st  # noqa: E402
import trainer_data as td  # noqa: E402
from glyphlm_gpt import GPT, GPTConfig  # noqa: E402

# Printed by node with the trainer's definitions (Math.imul / >>> arithmetic), see the module docstring.
HASH_GOLDEN = {0: 0, 1: 1753845952, 2: 3507691905, 0x7FFFFFFF: 2368339896, 0x80000000: 3427483940,
               0xFFFFFFFF: 1734902346, 123456789: 2834422664}
# (seed, batchIndex, row, n, T, rowOffset)
OFFSET_GOLDEN = [(1, 0, 0, 1000, 8, 718), (1, 0, 1, 1000, 8, 851), (1, 5, 3, 1000, 8, 123), (0, 0, 0, 65, 64, 0),
                 (4294967295, 7, 2, 1000000, 128, 691688), (42, 123456, 15, 3000000000, 1024, 194177420),
                 (-1, 3, 1, 5000, 16, 1546), (2147483648, 4294967295, 7, 123457, 64, 27073)]
# data[i] = (7919 i + 13) % 1009, mask[i] = (i % 5 != 0), n 3000, seed 7, batchIndex 2, B 3, T 6
BATCH_GOLDEN = {"ids": [[884, 731, 578, 425, 272, 119], [563, 410, 257, 104, 960, 807], [301, 148, 1004, 851, 698, 545]],
                "tg": [[731, 578, -1, 272, 119, 975], [410, -1, 104, 960, 807, 654], [-1, 1004, 851, 698, 545, -1]]}


# ------------------------------------------------------------------------------------ independent helpers


def rd(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def wr(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def read_json(path: str):
    return json.loads(rd(path))


def np_hash32(x: np.ndarray) -> np.ndarray:
    """lowbias32 on numpy uint32 arrays (wrapping multiplies): independent of trainer_data's Python ints."""
    x = x.astype(np.uint32)
    with np.errstate(over="ignore"):
        x ^= x >> np.uint32(16)
        x *= np.uint32(0x7FEB352D)
        x ^= x >> np.uint32(15)
        x *= np.uint32(0x846CA68B)
        x ^= x >> np.uint32(16)
    return x


def np_offsets(seed: int, bi: int, rows: np.ndarray, n: int, T: int) -> np.ndarray:
    k = np_hash32(np_hash32(np.array([(seed % 2 ** 32) ^ 0x9E3779B9], np.uint32)) ^ np.uint32(bi % 2 ** 32))
    a = np_hash32(k ^ (2 * rows).astype(np.uint32)).astype(object)
    b = np_hash32(k ^ (2 * rows + 1).astype(np.uint32)).astype(object)
    # exact rational floor; it equals JavaScript's double product unless u (n - T) lies within an ulp of an integer
    return np.array([int(Fraction(int(x) * 2097152 + (int(y) >> 11), 2 ** 53) * (n - T)) for x, y in zip(a, b)])


def write_shard(path: str, values: np.ndarray, vocab: int, meta: dict, mask: bool = False, **overrides) -> None:
    """A shard file by the shared format, with the body's zlib CRC-32 in the metadata as the trainer writes it
    (header fields overridable to make broken ones)."""
    bpi = 1 if mask else (2 if vocab <= 65536 else 4)
    dt = {1: "u1", 2: "<u2", 4: "<u4"}[bpi]
    body = np.asarray(values).astype(dt).tobytes()
    mj = json.dumps({**meta, "kind": "mask" if mask else "ids", "crc32": zlib.crc32(body)}).encode()
    h = np.zeros(256, "<u4")
    fields = {"magic": td.MAGIC, "version": 1, "bpi": bpi, "vocab": vocab, "count": len(values), "nmeta": len(mj)}
    fields.update(overrides)
    h[0], h[1], h[2], h[3] = fields["magic"], fields["version"], fields["bpi"], fields["vocab"]
    h[4], h[5], h[6] = fields["count"] % 2 ** 32, fields["count"] // 2 ** 32, fields["nmeta"]
    head = bytearray(h.tobytes())
    head[32:32 + len(mj)] = mj
    wr(path, bytes(head) + body)


def fingerprint(splits: dict, vocab: int, masks: dict = None) -> str:
    """The trainer's corpus fingerprint, written out plainly on whole arrays."""
    tr, va = np.concatenate(splits["train"]), np.concatenate(splits["val"])
    head = f"glyphlm-corpus/1 vocab={vocab} train={len(tr)} val={len(va)} masks={1 if masks else 0}\n".encode()
    dt = "<u2" if vocab <= 65536 else "<u4"
    parts = [head, tr.astype(dt).tobytes(), va.astype(dt).tobytes()]
    if masks:
        for split, n in (("train", len(tr)), ("val", len(va))):
            parts.append(np.concatenate(masks[split]).astype("u1").tobytes() if split in masks else b"\1" * n)
    return hashlib.sha256(b"".join(parts)).hexdigest()


def write_shard_dir(path: str, splits: dict, vocab: int, masks: dict = None) -> str:
    """splits: {"train": [chunk, ...], "val": [...]} -> train-00000.bin ... + corpus.json as writeShards makes
    them; masks likewise (same chunking). Returns the fingerprint."""
    os.makedirs(path, exist_ok=True)
    fp = fingerprint(splits, vocab, masks)
    listing = {}
    for split, chunks in splits.items():
        listing[split] = []
        for i, c in enumerate(chunks):
            name = f"{split}-{i:05d}"
            meta = {"split": split, "index": i, "count": len(chunks), "tokenizer": "test",
                    "tokenizerFingerprint": "tok-test", "corpusFingerprint": fp}
            write_shard(os.path.join(path, f"{name}.bin"), c, vocab, meta)
            entry = {"file": f"{name}.bin", "tokens": len(c)}
            if masks:
                m = masks[split][i] if split in masks else np.ones(len(c), np.uint8)
                write_shard(os.path.join(path, f"{name}.mask.bin"), m, vocab, meta, mask=True)
                entry["mask"] = f"{name}.mask.bin"
            listing[split].append(entry)
    tokens = {k: int(sum(len(c) for c in v)) for k, v in splits.items()}
    corpus = {"format": "glyphlm-corpus", "version": 1, "vocabSize": vocab, "bytesPerId": 2 if vocab <= 65536 else 4,
              "meta": {"tokenizer": "test", "tokenizerFingerprint": "tok-test", "fingerprint": fp, "separatorId": 0,
                       "documents": {"train": 1, "val": 1}, "chars": 0, "tokens": tokens},
              "shards": listing}
    wr(os.path.join(path, "corpus.json"), json.dumps(corpus).encode())
    return fp


# ------------------------------------------------------------------------------------ sampler and shards


class SamplerTest(unittest.TestCase):
    def test_hash32_goldens_from_javascript(self):
        for x, want in HASH_GOLDEN.items():
            self.assertEqual(td.hash32(x), want, x)

    def test_row_offset_goldens_from_javascript(self):
        for seed, bi, row, n, T, want in OFFSET_GOLDEN:
            self.assertEqual(td.row_offset(seed, bi, row, n, T), want, (seed, bi, row, n, T))

    def test_row_offsets_equal_an_independent_numpy_implementation(self):
        rng = np.random.default_rng(5)
        xs = rng.integers(0, 2 ** 32, 20000, dtype=np.uint64)
        self.assertEqual([td.hash32(int(x)) for x in xs], np_hash32(xs).tolist())
        for _ in range(200):
            seed, bi = int(rng.integers(-2 ** 31, 2 ** 32)), int(rng.integers(0, 2 ** 32))
            n = int(rng.choice([70, 1000, 10 ** 6, 3 * 10 ** 9, 2 ** 40]))
            T = int(rng.integers(1, 65))
            rows = np.arange(100)
            got = [td.row_offset(seed, bi, int(r), n, T) for r in rows]
            self.assertEqual(got, np_offsets(seed, bi, rows, n, T).tolist())
            self.assertTrue(all(0 <= o < n - T for o in got))

    def test_sample_batch_golden_and_across_shard_boundaries(self):
        n = 3000
        data = (np.arange(n) * 7919 + 13) % 1009
        mask = (np.arange(n) % 5 != 0).astype(np.uint8)
        ids, tg = td.sample_batch(data, mask, 7, 2, 3, 6)
        self.assertEqual(ids.tolist(), BATCH_GOLDEN["ids"])
        self.assertEqual(tg.tolist(), BATCH_GOLDEN["tg"])
        stream = td.TokenStream([data[:7], data[7:7], data[7:1500], data[1500:]], "s")
        mstream = td.TokenStream([mask[:1000], mask[1000:]], "m")
        for bi in range(50):
            a = td.sample_batch(data, mask, 3, bi, 8, 16)
            b = td.sample_batch(stream, mstream, 3, bi, 8, 16)
            np.testing.assert_array_equal(a[0], b[0])
            np.testing.assert_array_equal(a[1], b[1])
            part = td.sample_batch(stream, mstream, 3, bi, 8, 16, rows=range(3, 6))
            np.testing.assert_array_equal(part[1], a[1][3:6])

    def test_sampler_rejections_and_rank_rows(self):
        with self.assertRaisesRegex(ValueError, "needs at least 9"):
            td.sample_batch(np.arange(8), None, 1, 0, 1, 8)
        with self.assertRaisesRegex(ValueError, "mask has 3 entries"):
            td.sample_batch(np.arange(20), np.ones(3), 1, 0, 1, 8)
        for B in range(1, 9):
            for W in range(1, 5):
                blocks = [td.rank_rows(B, r, W) for r in range(W)]
                self.assertEqual([i for b in blocks for i in b], list(range(B)))
                self.assertLessEqual(max(map(len, blocks)) - min(map(len, blocks)), 1)

    def test_eval_and_dropout_seeds(self):
        self.assertEqual(td.eval_seed(1), 1 ^ 0x5BD1E995)
        self.assertEqual(td.eval_seed(-1), (0xFFFFFFFF ^ 0x5BD1E995))
        self.assertEqual(td.dropout_seed(3, 5, 1, 4), td.hash32(td.hash32(3 ^ 0x27D4EB2F) ^ 21))

    def test_lr_schedule(self):
        lr, mn, W, S = 1e-3, 1e-4, 4, 20
        got = [td.lr_at(s, lr, mn, W, S) for s in range(S)]
        self.assertEqual(got[:4], [lr * 1 / 4, lr * 2 / 4, lr * 3 / 4, lr])
        for s in range(W, S):
            self.assertAlmostEqual(got[s], mn + (lr - mn) * (1 + math.cos(math.pi * (s - W) / (S - W))) / 2, delta=1e-18)
        self.assertTrue(all(a >= b for a, b in zip(got[W:], got[W + 1:])))
        self.assertAlmostEqual(td.lr_at(S, lr, mn, W, S), mn, delta=1e-18)  # the horizon is min_lr
        self.assertEqual(td.lr_at(0, lr, mn, 0, 1), lr)


class ShardTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="bridge-shards-")
        rng = np.random.default_rng(2)
        self.train = rng.integers(0, 300, 5000)
        self.val = rng.integers(0, 300, 700)
        self.tmask = rng.integers(0, 2, 5000)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def make(self, name="ok", vocab=300):
        p = os.path.join(self.tmp, name)
        self.fp = write_shard_dir(p, {"train": [self.train[:2000], self.train[2000:]], "val": [self.val]}, vocab,
                                  masks={"train": [self.tmask[:2000], self.tmask[2000:]]})
        return p

    def test_reads_shards_and_masks(self):
        d = td.open_shards(self.make())
        self.assertEqual((len(d.train), len(d.val), d.vocab_size, d.fingerprint), (5000, 700, 300, self.fp))
        self.assertEqual(d.tokenizer_fingerprint, "tok-test")
        np.testing.assert_array_equal(d.train.window(1990, 2010), self.train[1990:2010])
        np.testing.assert_array_equal(d.train_mask.window(0, 5000), self.tmask)
        np.testing.assert_array_equal(d.val_mask.window(0, 700), np.ones(700))  # written as all ones
        self.assertEqual(d.train.parts[0].dtype, np.dtype("<u2"))
        self.assertIsInstance(d.train.parts[0], np.memmap)
        big = os.path.join(self.tmp, "big")
        write_shard_dir(big, {"train": [np.array([70000, 1, 2])], "val": [np.array([3, 4])]}, 70001)
        b = td.open_shards(big)
        self.assertEqual((b.train.window(0, 3).tolist(), b.train.parts[0].dtype), ([70000, 1, 2], np.dtype("<u4")))
        self.assertIsNone(b.train_mask)

    def test_rejections_name_the_file(self):
        p = self.make()
        f0 = os.path.join(p, "train-00000.bin")
        m1 = os.path.join(p, "train-00001.mask.bin")
        good, good_m1 = rd(f0), rd(m1)
        meta = {"split": "train", "index": 0, "count": 2, "corpusFingerprint": self.fp}
        flipped = bytearray(good)
        flipped[-1] ^= 1
        cases = [
            (lambda: write_shard(f0, self.train[:2000], 300, meta, magic=0x12345678), f0, "not a glyphlm shard"),
            (lambda: write_shard(f0, self.train[:2000], 300, meta, version=2), f0, "shard version 2"),
            (lambda: write_shard(f0, self.train[:2000], 300, meta, bpi=4), f0, "bytes per id 4 does not fit"),
            (lambda: wr(f0, good[:-3]), f0, "truncated"),
            (lambda: wr(f0, good[:500]), f0, "truncated header"),
            (lambda: wr(f0, good + b"\0\0"), f0, "trailing bytes"),
            (lambda: wr(f0, bytes(flipped)), f0, "checksum .* does not match"),
            (lambda: write_shard(f0, self.train[:2000], 301, meta), f0, "vocabSize 301, but .*corpus.json says 300"),
            (lambda: write_shard(f0, self.train[:1999], 300, meta), f0, "1999 tokens, but .*shards.train\\[0\\] lists 2000"),
            (lambda: write_shard(f0, np.r_[self.train[:1999], 300], 300, meta), f0, "id 300 at position 1999"),
            (lambda: write_shard(f0, self.train[:2000], 300, {**meta, "index": 1}), f0, "meta.index is 1, expected 0"),
            (lambda: write_shard(f0, self.train[:2000], 300, meta, nmeta=2000), f0, "metadata length"),
            (lambda: write_shard(f0, np.r_[self.train[:1999], 7], 300, meta), "corpus.json", "does not match the shards"),
            (lambda: write_shard(m1, np.r_[self.tmask[2000:4999], 2], 300, {**meta, "index": 1}, mask=True), m1,
             "mask value 2 at position 2999"),
            (lambda: os.remove(m1), m1, "cannot read"),
        ]
        for make_bad, culprit, msg in cases:
            wr(f0, good)
            wr(m1, good_m1)
            make_bad()
            with self.assertRaisesRegex(td.ShardError, msg) as cm:
                td.open_shards(p)
            self.assertIn(culprit, str(cm.exception))
        wr(f0, good)
        wr(m1, good_m1)
        td.open_shards(p)
        c = read_json(os.path.join(p, "corpus.json"))
        for mutate, msg in [(lambda c: c.update(format="x"), "format/version"),
                            (lambda c: c["meta"]["tokens"].update(val=701), "meta.tokens.val = 701, but the val shards hold 700"),
                            (lambda c: c["shards"]["train"][1].pop("mask"), r"shards.train\[1\].mask: some shards have masks"),
                            (lambda c: c["shards"]["val"][0].update(file="../x.bin"), r"shards.val\[0\].file: '../x.bin' must be a plain file name"),
                            (lambda c: c["shards"].update(val=[]), "shards.val must be a non-empty list")]:
            bad = json.loads(json.dumps(c))
            mutate(bad)
            wr(os.path.join(p, "corpus.json"), json.dumps(bad).encode())
            with self.assertRaisesRegex(td.ShardError, "corpus.json: " + msg):
                td.open_shards(p)
        wr(os.path.join(p, "corpus.json"), b"{")
        with self.assertRaisesRegex(td.ShardError, "corpus.json: not valid JSON"):
            td.open_shards(p)
        with self.assertRaisesRegex(td.ShardError, "corpus.json: cannot read"):
            td.open_shards(self.tmp)


# ------------------------------------------------------------------------------------ continuing a run

CFG = dict(vocabSize=61, nEmbed=8, dModel=32, nLayer=2, nHead=4, blockSize=16)
OPTS = dict(steps=8, batchSize=4, gradAccumSteps=2, lr=3e-3, minLr=3e-4, warmupSteps=2, weightDecay=0.1, gradClip=0.5,
            dropout=0, seed=11, evalEvery=3, evalBatches=2, blockSize=12)
BETAS, EPS = (0.9, 0.95), 1e-8


def reference_run(model: GPT, data: dict, steps: range, opt: torch.optim.AdamW, opts: dict):
    """The trainer's loop written plainly: all micro-batches of a step concatenated, the mean over non-ignored
    targets, torch.optim.AdamW, clip_grad_norm_. Sampling through np_offsets (independent of trainer_data)."""
    B, T, A, seed = opts["batchSize"], opts["blockSize"], opts["gradAccumSteps"], opts["seed"]
    tr, mask = data["train"], data["trainMask"]
    losses, vals, norms = [], [], []
    params = [p for p in model.parameters() if p.requires_grad]
    for s in steps:
        W = opts["warmupSteps"]
        lr = opts["lr"] * (s + 1) / W if s < W else opts["minLr"] + (opts["lr"] - opts["minLr"]) * 0.5 * (
            1 + math.cos(math.pi * (s - W) / max(1, opts["steps"] - W)))
        for g in opt.param_groups:
            g["lr"] = lr
        ids, tg = [], []
        for k in range(A):
            for o in np_offsets(seed, s * A + k, np.arange(B), len(tr), T):
                ids.append(tr[o:o + T])
                tg.append(np.where(mask[o + 1:o + T + 1] == 0, -1, tr[o + 1:o + T + 1]))
        opt.zero_grad()
        _, loss = model(torch.tensor(np.array(ids), dtype=torch.long), torch.tensor(np.array(tg), dtype=torch.long))
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(params, opts["gradClip"])))
        opt.step()
        losses.append(float(loss))
        if (s + 1) % opts["evalEvery"] == 0 or s + 1 == opts["steps"]:
            with torch.no_grad():
                vi, vt = [], []
                for bi in range(opts["evalBatches"]):
                    for o in np_offsets(seed ^ 0x5BD1E995, bi, np.arange(B), len(data["val"]), T):
                        vi.append(data["val"][o:o + T])
                        vt.append(data["val"][o + 1:o + T + 1])
                vals.append((s + 1, float(model(torch.tensor(np.array(vi)), torch.tensor(np.array(vt)))[1])))
    return losses, vals, norms


def write_trainer_checkpoint(root: str, step: int, model: GPT, opt, opts: dict, history: list, fp: str,
                             embedding_meta=None):
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    params = dict(model.named_parameters())
    moments = {n: (opt.state[params[n]]["exp_avg"], opt.state[params[n]]["exp_avg_sq"]) for n in names} if step else {}
    trainer = {"format": "glyphlm-trainer", "version": 1, "step": step, "options": opts,
               "sampler": {"seed": opts["seed"], "nextStep": step},
               "data": {"fingerprint": fp, "tokenizerFingerprint": "tok-test", "trainTokens": 4000,
                        "valTokens": 600},
               "history": history, "engine": {"workers": 1}}
    raw = {"format": "glyphlm-gpt", "formatVersion": 1, **model.config.to_json(), "dtype": "F32"}
    if embedding_meta:
        raw["embeddingMeta"] = embedding_meta
    ct.save_trainer_checkpoint(root, step, model, raw, model.state_dict(), moments, step,
                               (BETAS, EPS, opts["weightDecay"]), trainer, keep=2)


class ContinueTest(unittest.TestCase):
    N, M = 2, 4

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="bridge-run-")
        rng = np.random.default_rng(9)
        tr = rng.integers(0, CFG["vocabSize"], 4000)
        tr[::7] = tr[1::7]  # some structure to learn
        cls.data = {"train": tr, "val": rng.integers(0, CFG["vocabSize"], 600),
                    "trainMask": (rng.random(4000) > 0.2).astype(np.uint8)}
        cls.shards = os.path.join(cls.tmp, "shards")
        cls.fp = write_shard_dir(cls.shards, {"train": [tr[:2500], tr[2500:]], "val": [cls.data["val"]]}, CFG["vocabSize"],
                        masks={"train": [cls.data["trainMask"][:2500], cls.data["trainMask"][2500:]]})
        cls.results = {}
        for emb in ("frozen", "trainable"):
            model = GPT(GPTConfig(**CFG, embedding=emb)).init_weights(3)
            opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1, betas=BETAS, eps=EPS,
                                    weight_decay=OPTS["weightDecay"])
            first, _, _ = reference_run(model, cls.data, range(cls.N), opt, OPTS)
            root = os.path.join(cls.tmp, f"ck-{emb}")
            hist = [{"step": i + 1, "loss": l, "lr": 0, "gradNorm": 1, "tokens": (i + 1) * 96, "tokensPerSecond": 1, "elapsedMs": i}
                    for i, l in enumerate(first)]
            write_trainer_checkpoint(root, cls.N, model, opt, OPTS, hist, cls.fp,
                                     {"recipe": "test"} if emb == "frozen" else None)
            E0 = model.state_dict()["tok_embedding.weight"].clone()
            losses, vals, norms = reference_run(model, cls.data, range(cls.N, cls.N + cls.M), opt, OPTS)
            cls.results[emb] = dict(root=root, model=model, opt=opt, losses=losses, vals=vals, norms=norms, E0=E0)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def cont(self, *args):
        with redirect_stdout(io.StringIO()):
            return ct.run(list(args))

    def load_step(self, root, step):
        d = os.path.join(root, f"step-{step:06d}")
        model, raw = checkpoint.load(d)
        meta, opt = st.load_torch(os.path.join(d, "optimizer.safetensors"))
        trainer = read_json(os.path.join(d, "trainer.json"))
        return model, raw, meta, opt, trainer

    def test_continuation_equals_the_reference_loop(self):
        for emb, r in self.results.items():
            out = os.path.join(self.tmp, f"out-{emb}")
            res = self.cont("--ckpt", r["root"], "--data", self.shards, "--steps", str(self.M), "--out", out)
            end = self.N + self.M
            self.assertEqual(read_json(os.path.join(out, "latest.json")), {"step": end, "dir": f"step-{end:06d}"})
            self.assertEqual(sorted(os.listdir(out)), ["latest.json", f"step-{end:06d}"])  # no temp left behind
            model, raw, meta, opt, trainer = self.load_step(out, end)
            got = [e["loss"] for e in res["history"]]
            np.testing.assert_allclose(got, r["losses"], rtol=2e-6)
            np.testing.assert_allclose([e["gradNorm"] for e in res["history"]], r["norms"], rtol=1e-5)
            self.assertTrue(all(n > OPTS["gradClip"] for n in r["norms"][:2]))  # clipping was exercised
            vals = [(e["step"], e["valLoss"]) for e in res["history"] if "valLoss" in e]
            self.assertEqual([s for s, _ in vals], [s for s, _ in r["vals"]])
            np.testing.assert_allclose([v for _, v in vals], [v for _, v in r["vals"]], rtol=2e-6)
            ref = r["model"].state_dict()
            for k, v in model.state_dict().items():
                self.assertLess((v - ref[k]).abs().max().item(), 2e-6, f"{emb} {k}")
            rp = dict(r["model"].named_parameters())
            for n, p in rp.items():
                for kind in ("exp_avg", "exp_avg_sq"):
                    want = r["opt"].state[p][kind]
                    self.assertLess((opt[f"{kind}.{n}"] - want).abs().max().item(), 1e-6 * max(1e-3, want.abs().max().item()))
            if emb == "frozen":
                self.assertTrue(torch.equal(model.state_dict()["tok_embedding.weight"], r["E0"]))
                self.assertFalse(any("tok_embedding" in k for k in opt))
                self.assertEqual(raw["embeddingMeta"], {"recipe": "test"})
            else:
                self.assertIn("exp_avg.tok_embedding.weight", opt)
            self.assertEqual(meta, {"format": "glyphlm-adamw", "step": str(end), "betas": "[0.9,0.95]", "eps": "1e-8",
                                    "weight_decay": "0.1"})
            self.assertEqual((trainer["step"], trainer["sampler"]), (end, {"seed": 11, "nextStep": end}))
            h = trainer["history"]
            self.assertEqual([e["step"] for e in h], list(range(1, end + 1)))
            self.assertEqual([e["lr"] for e in h[self.N:]], [td.lr_at(s, 3e-3, 3e-4, 2, 8) for s in range(self.N, end)])
            self.assertEqual([e["tokens"] for e in h[self.N:]], [96 * s for s in range(self.N + 1, end + 1)])
            self.assertTrue(all(e["elapsedMs"] >= 1 and e["tokensPerSecond"] > 0 for e in h[self.N:]))
            self.assertEqual(trainer["engine"]["workers"], 1)

    def test_stop_and_resume_in_place_is_exact(self):
        r = self.results["trainable"]
        a = os.path.join(self.tmp, "resume-a")
        b = os.path.join(self.tmp, "resume-b")
        shutil.copytree(r["root"], a)
        self.cont("--ckpt", r["root"], "--data", self.shards, "--steps", "4", "--out", b)
        self.cont("--ckpt", a, "--data", self.shards, "--steps", "1")
        self.cont("--ckpt", a, "--data", self.shards, "--steps", "3")
        self.assertEqual(sorted(os.listdir(a)), ["latest.json", "step-000003", "step-000006"])  # keep 2
        ma, _, _, oa, ta = self.load_step(a, 6)
        mb, _, _, ob, tb = self.load_step(b, 6)
        for k, v in ma.state_dict().items():
            self.assertTrue(torch.equal(v, mb.state_dict()[k]), k)
        for k, v in oa.items():
            self.assertTrue(torch.equal(v, ob[k]), k)
        strip = lambda h: [{k: v for k, v in e.items() if k not in ("elapsedMs", "tokensPerSecond")} for e in h]  # noqa: E731
        self.assertEqual(strip(ta["history"]), strip(tb["history"]))

    @unittest.skipUnless(dist.is_available(), "torch.distributed is not available")
    @unittest.skipIf(os.environ.get("BRIDGE_SKIP_TORCHRUN"), "BRIDGE_SKIP_TORCHRUN set (torch-bridge.test.ts runs torchrun itself)")
    def test_torchrun_two_processes_equal_one(self):
        r = self.results["trainable"]
        out = os.path.join(self.tmp, "out-ddp")
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1"}
        p = subprocess.run([sys.executable, os.path.join(HERE, "torchrun_compat.py"), "--standalone",
                            "--nproc_per_node=2", os.path.join(HERE, "continue_training.py"), "--ckpt", r["root"],
                            "--data", self.shards, "--steps", str(self.M), "--out", out],
                           capture_output=True, text=True, timeout=300, env=env)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-3000:])
        lines = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
        self.assertEqual(lines[-1]["world"], 2)
        self.assertEqual(lines[-1]["wrap"], "ddp")
        np.testing.assert_allclose([e["loss"] for e in lines[:-1]], r["losses"], rtol=2e-6)
        model, _, _, _, trainer = self.load_step(out, self.N + self.M)
        ref = r["model"].state_dict()
        for k, v in model.state_dict().items():
            self.assertLess((v - ref[k]).abs().max().item(), 2e-6, k)
        self.assertEqual(trainer["engine"]["workers"], 2)

    def test_rejections(self):
        r = self.results["frozen"]
        bad = os.path.join(self.tmp, "bad")
        shutil.copytree(r["root"], bad)
        sd = os.path.join(bad, f"step-{self.N:06d}")
        with self.assertRaisesRegex(ct.BridgeError, r"passes the schedule's end options.steps = 8.*--total-steps >= 9"):
            self.cont("--ckpt", bad, "--data", self.shards, "--steps", "7")
        other = os.path.join(self.tmp, "other-shards")
        fp2 = write_shard_dir(other, {"train": [self.data["train"]], "val": [self.data["val"]]}, CFG["vocabSize"])
        with self.assertRaisesRegex(ct.BridgeError, f"data.fingerprint = '{self.fp}', but .*corpus.json.*'{fp2}'"):
            self.cont("--ckpt", bad, "--data", other, "--steps", "1")
        meta, tensors = st.load_torch(os.path.join(sd, "optimizer.safetensors"))
        del tensors["exp_avg_sq.lm_head.weight"]
        st.save(tensors, os.path.join(sd, "optimizer.safetensors"), meta)
        with self.assertRaisesRegex(ct.BridgeError, r"optimizer.safetensors: missing tensors \['exp_avg_sq.lm_head.weight'\]"):
            self.cont("--ckpt", bad, "--data", self.shards, "--steps", "1")
        t = read_json(os.path.join(sd, "trainer.json"))
        t["sampler"]["nextStep"] = 5
        wr(os.path.join(sd, "trainer.json"), json.dumps(t).encode())
        with self.assertRaisesRegex(ct.BridgeError, "trainer.json: sampler must be"):
            self.cont("--ckpt", bad, "--data", self.shards, "--steps", "1")
        with open(os.path.join(bad, "latest.json"), "w") as f:
            json.dump({"step": 2, "dir": "step-000009"}, f)
        with self.assertRaisesRegex(ct.BridgeError, "latest.json: names step-000009, which is not a directory"):
            self.cont("--ckpt", bad, "--data", self.shards, "--steps", "1")
        self.assertEqual(sorted(os.listdir(bad)), ["latest.json", f"step-{self.N:06d}"])  # nothing written


if __name__ == "__main__":
    unittest.main()
