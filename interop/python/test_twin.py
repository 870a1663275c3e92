"""Unit tests of the PyTorch twin (CPU only): `cd interop/python && python3 -m unittest -v`.

Checks the torch model against an independent float64 numpy implementation written from the architecture
doc, the KV cache, the frozen embedding (no gradient, no optimizer state, bit-identical after AdamW),
torch.optim.AdamW against the doc's formula, checkpoint round trips in F32/F16/BF16 and every loader rejection.
"""
import json
import math
import os
import shutil
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
import safetensors_lite as st  # noqa: E402
from glyphlm_gpt import GPT, GPTConfig, make_adamw, parameter_count  # noqa: E402

def rd(p, mode="rb"):
    with open(p, mode) as f:
        return f.read()


def wr(p, data, mode="wb"):
    with open(p, mode) as f:
        f.write(data)


SMALL = dict(vocabSize=97, nEmbed=16, dModel=32, nLayer=2, nHead=4, blockSize=24)


def np_forward(sd, c: GPTConfig, ids):
    """float64 reference, line by line from docs/architecture-and-checkpoint.md."""
    W = {k: v.detach().double().numpy() for k, v in sd.items()}
    D, H = c.dModel, c.nHead
    hd = D // H
    B, T = ids.shape

    def ln(x):
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-5)

    e = W["tok_embedding.weight"][ids]
    r = D // c.nEmbed
    x = np.stack([e[..., j // r] for j in range(D)], axis=-1)
    inv = 1.0 / c.ropeBase ** (np.arange(hd // 2) * 2 / hd)
    fr = np.arange(T)[:, None] * inv[None]
    emb = np.concatenate([fr, fr], -1)

    def rope(t):
        rh = np.concatenate([-t[..., hd // 2:], t[..., :hd // 2]], -1)
        return t * np.cos(emb) + rh * np.sin(emb)

    for i in range(c.nLayer):
        h = ln(x)
        qkv = h @ W[f"blocks.{i}.attn.qkv.weight"].T
        q, k, v = qkv[..., :D], qkv[..., D:2 * D], qkv[..., 2 * D:]
        sp = lambda t: t.reshape(B, T, H, hd).transpose(0, 2, 1, 3)  # noqa: E731
        q, k, v = rope(sp(q)), rope(sp(k)), sp(v)
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd)
        s = np.where(np.tril(np.ones((T, T), bool)), s, -np.inf)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        a = (p @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
        x = x + a @ W[f"blocks.{i}.attn.proj.weight"].T
        h = ln(x) @ W[f"blocks.{i}.mlp.fc.weight"].T
        g = 0.5 * h * (1 + np.tanh(math.sqrt(2 / math.pi) * (h + 0.044715 * h ** 3)))
        x = x + g @ W[f"blocks.{i}.mlp.proj.weight"].T
    return ln(x) @ W["lm_head.weight"].T


class TwinTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="twin-test-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def model(self, embedding="trainable", seed=0, **kw):
        return GPT(GPTConfig(**{**SMALL, **kw}, embedding=embedding)).init_weights(seed)

    def test_matches_numpy_reference(self):
        for emb, kw in (("trainable", {}), ("frozen", {"nEmbed": 8}), ("trainable", {"nEmbed": 32, "ropeBase": 500})):
            m = self.model(emb, seed=3, **kw)
            ids = torch.randint(0, 97, (3, 20), generator=torch.Generator().manual_seed(1))
            with torch.no_grad():
                got = m(ids).double().numpy()
            want = np_forward(m.state_dict(), m.config, ids.numpy())
            err = np.abs(got - want).max() / np.abs(want).max()
            self.assertLess(err, 1e-5, f"{emb} {kw}: rel err {err}")

    def test_kv_cache_equals_full_forward(self):
        m = self.model()
        ids = torch.randint(0, 97, (2, 20))
        with torch.no_grad():
            full = m(ids)
            caches = [[] for _ in m.blocks]
            parts = [m(ids[:, a:b], caches=caches) for a, b in ((0, 7), (7, 8), (8, 20))]
        self.assertLess((torch.cat(parts, 1) - full).abs().max().item(), 1e-5)

    def test_parameter_count_and_names(self):
        self.assertEqual(parameter_count(GPTConfig(65536, 1024, 1024, 16, 32, 1024)), 335_544_320)
        m = self.model("frozen")
        self.assertNotIn("tok_embedding.weight", dict(m.named_parameters()))
        self.assertIn("tok_embedding.weight", m.state_dict())
        self.assertIn("tok_embedding.weight", dict(self.model().named_parameters()))

    def test_bad_input(self):
        m = self.model()
        with self.assertRaisesRegex(ValueError, "ids must be in"):
            m(torch.tensor([[0, 97]]))
        with self.assertRaisesRegex(ValueError, "exceeds blockSize"):
            m(torch.zeros(1, 25, dtype=torch.long))
        with self.assertRaisesRegex(ValueError, "must divide"):
            GPT(GPTConfig(**{**SMALL, "nEmbed": 12}))

    def test_adamw_is_the_doc_formula_and_frozen_stays_bit_identical(self):
        for emb in ("frozen", "trainable"):
            m = self.model(emb, seed=5)
            before = {k: v.clone() for k, v in m.state_dict().items()}
            opt = make_adamw(m, lr=3e-3)
            ids = torch.randint(0, 97, (2, 24), generator=torch.Generator().manual_seed(2))
            tgt = torch.randint(-1, 97, (2, 24), generator=torch.Generator().manual_seed(3))
            ms = {k: torch.zeros_like(v, dtype=torch.float64) for k, v in before.items()}
            vs = {k: torch.zeros_like(v, dtype=torch.float64) for k, v in before.items()}
            ref = {k: v.double() for k, v in before.items()}
            for t in (1, 2):
                opt.zero_grad()
                _, loss = m(ids, tgt)
                loss.backward()
                grads = {k: p.grad.double() for k, p in m.named_parameters()}
                opt.step()
                for k, g in grads.items():
                    ref[k] = ref[k] - 3e-3 * 0.01 * ref[k]
                    ms[k] = 0.9 * ms[k] + 0.1 * g
                    vs[k] = 0.999 * vs[k] + 0.001 * g * g
                    mh, vh = ms[k] / (1 - 0.9 ** t), vs[k] / (1 - 0.999 ** t)
                    ref[k] = ref[k] - 3e-3 * mh / (vh.sqrt() + 1e-8)
            sd = m.state_dict()
            for k in grads:
                self.assertLess((sd[k].double() - ref[k]).abs().max().item(), 1e-6, k)
            if emb == "frozen":
                self.assertTrue(torch.equal(sd["tok_embedding.weight"], before["tok_embedding.weight"]))
                self.assertEqual(len(opt.state), 2 * 4 + 1)
            else:
                self.assertFalse(torch.equal(sd["tok_embedding.weight"], before["tok_embedding.weight"]))

    def test_checkpoint_round_trips(self):
        m = self.model("frozen", seed=9)
        ids = torch.randint(0, 97, (2, 10))
        with torch.no_grad():
            want = m(ids)
        for dt, tol in (("F32", 0), ("F16", 2e-3), ("BF16", 3e-2)):
            d = os.path.join(self.tmp, dt)
            checkpoint.save(m, d, dt, {"recipe": "x"})
            conf = json.loads(rd(os.path.join(d, "config.json"), "r"))
            self.assertEqual((conf["dtype"], conf["embedding"], conf["embeddingMeta"]), (dt, "frozen", {"recipe": "x"}))
            m2, _ = checkpoint.load(d)
            with torch.no_grad():
                got = m2(ids)
            rel = ((got - want).abs().max() / want.abs().max()).item()
            self.assertLessEqual(rel, tol, dt)
            if dt == "F32":
                self.assertTrue(all(torch.equal(a, b) for a, b in zip(m.state_dict().values(), m2.state_dict().values())))

    def test_loader_rejections(self):
        m = self.model()
        good = os.path.join(self.tmp, "good")
        checkpoint.save(m, good)
        meta, tensors = st.load_torch(os.path.join(good, "model.safetensors"))

        def variant(name, edit_tensors=None, edit_conf=None, meta_=meta):
            d = os.path.join(self.tmp, name)
            shutil.copytree(good, d)
            t = dict(tensors)
            if edit_tensors:
                edit_tensors(t)
            st.save(t, os.path.join(d, "model.safetensors"), meta_)
            if edit_conf:
                c = json.loads(rd(os.path.join(d, "config.json"), "r"))
                edit_conf(c)
                wr(os.path.join(d, "config.json"), json.dumps(c), "w")
            return d

        cases = [
            (variant("missing", lambda t: t.pop("lm_head.weight")), "missing tensors \\['lm_head.weight'\\]"),
            (variant("extra", lambda t: t.__setitem__("x", torch.zeros(1))), "unexpected tensors \\['x'\\]"),
            (variant("shape", lambda t: t.__setitem__("lm_head.weight", torch.zeros(96, 32))), "lm_head.weight: shape"),
            (variant("dtype", lambda t: t.__setitem__("lm_head.weight", t["lm_head.weight"].half())), "lm_head.weight: dtype"),
            (variant("nan", lambda t: t.__setitem__("blocks.0.mlp.fc.weight", torch.full((128, 32), float("nan")))), "NaN"),
            (variant("fmt", edit_conf=lambda c: c.__setitem__("format", "gpt2")), "format"),
            (variant("cfg", edit_conf=lambda c: c.__setitem__("nHead", 5)), "dModel/nHead"),
            (variant("meta", meta_={"format": "other"}), "__metadata__"),
        ]
        for d, pat in cases:
            with self.assertRaisesRegex(ValueError, pat, msg=d):
                checkpoint.load(d)
        bad = os.path.join(self.tmp, "trunc")
        shutil.copytree(good, bad)
        p = os.path.join(bad, "model.safetensors")
        data = rd(p)
        wr(p, data[:-4])
        with self.assertRaisesRegex(ValueError, "tensors cover"):
            checkpoint.load(bad)
        wr(p, b"\xff" * 8 + data[8:])
        with self.assertRaisesRegex(ValueError, "runs past the end"):
            checkpoint.load(bad)


if __name__ == "__main__":
    unittest.main()
