"""2-process DDP training (torchrun, gloo, CPU) through train_fsdp.py equals one process on the concatenated
batch, and its checkpoint loads back. `python3 -m unittest test_distributed` (about 20 s on 2 cores).
TWIN_DIST_EMBEDDINGS=trainable limits it to one embedding kind (the TypeScript interop test covers frozen)."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch
import torch.distributed as dist

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import checkpoint  # noqa: E402
from glyphlm_gpt import GPT, GPTConfig, make_adamw  # noqa: E402


@unittest.skipUnless(dist.is_available(), "torch.distributed is not available")
class DistributedTest(unittest.TestCase):
    def test_ddp_two_processes_equals_single_process(self):
        tmp = tempfile.mkdtemp(prefix="twin-dist-")
        try:
            for emb in os.environ.get("TWIN_DIST_EMBEDDINGS", "frozen,trainable").split(","):
                cfg = GPTConfig(vocabSize=101, nEmbed=16, dModel=32, nLayer=2, nHead=4, blockSize=32, embedding=emb)
                ck = os.path.join(tmp, f"ck-{emb}")
                out = os.path.join(tmp, f"out-{emb}")
                checkpoint.save(GPT(cfg).init_weights(4), ck)
                data = (np.arange(5000) * 7919 % 101).astype(np.int32)
                np.save(os.path.join(tmp, "tokens.npy"), data)
                steps, batch, T, seed = 3, 2, 16, 11
                env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "OMP_NUM_THREADS": "1"}
                r = subprocess.run(
                    [sys.executable, os.path.join(HERE, "torchrun_compat.py"), "--standalone", "--nproc_per_node=2",
                     os.path.join(HERE, "train_fsdp.py"), "--ckpt", ck, "--data", os.path.join(tmp, "tokens.npy"),
                     "--out", out, "--steps", str(steps), "--batch", str(batch), "--seq-len", str(T),
                     "--seed", str(seed), "--backend", "gloo", "--lr", "3e-3"],
                    capture_output=True, text=True, timeout=300, env=env)
                self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
                got, _ = checkpoint.load(out)

                ref, _ = checkpoint.load(ck)
                opt = make_adamw(ref, lr=3e-3)
                gens = [np.random.default_rng([seed, rank]) for rank in range(2)]
                for _ in range(steps):
                    wins = []
                    for g in gens:
                        starts = g.integers(0, len(data) - T - 1, batch)
                        wins += [data[s:s + T + 1].astype(np.int64) for s in starts]
                    w = torch.from_numpy(np.stack(wins))
                    opt.zero_grad()
                    _, loss = ref(w[:, :-1], w[:, 1:])
                    loss.backward()
                    opt.step()
                # float32 all-reduce sums in another order than one process does; 1e-5 is <1% of one update (lr 3e-3)
                a, b = ref.state_dict(), got.state_dict()
                for k in a:
                    self.assertLess((a[k] - b[k]).abs().max().item(), 1e-5, f"{emb} {k}")
                start, _ = checkpoint.load(ck)
                same = torch.equal(start.state_dict()["tok_embedding.weight"], b["tok_embedding.weight"])
                self.assertEqual(same, emb == "frozen")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
