#!/usr/bin/env python3
"""Continue training a glyphlm checkpoint with PyTorch's distributed tools, then write a glyphlm checkpoint
that @glyphlm/transformer-core loads (Node or browser).

  torchrun --standalone --nproc_per_node=2 interop/python/train_fsdp.py \
      --ckpt in_ckpt/ --data tokens.npy --out out_ckpt/ --steps 100 [--wrap auto|fsdp|ddp] [--backend gloo|nccl]

(On Debian bookworm's torch 1.13 + Python 3.11 use `python3 interop/python/torchrun_compat.py` in place of
`torchrun`: see torch_compat.py.)

--data: a 1-D .npy of token ids (any integer dtype); each rank samples its own random windows of
blockSize+1 tokens (seeded by --seed and the rank). Optimiser: torch.optim.AdamW with the glyphlm defaults
(lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.01) over the trainable parameters; a frozen embedding is a
buffer, so FSDP/DDP never shard, reduce or update it. At the end the full state dict is gathered on rank 0
and saved with checkpoint.save (temp file + rename) in --dtype (F32/F16/BF16). On GPUs use --backend nccl
(the default when CUDA is available); each rank then uses cuda:LOCAL_RANK.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
from glyphlm_gpt import Block, make_adamw  # noqa: E402
from torch_compat import import_fsdp  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--batch", type=int, default=4, help="sequences per rank per step")
    p.add_argument("--seq-len", type=int, default=0, help="default: the model's blockSize")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--wrap", choices=["auto", "fsdp", "ddp"], default="auto",
                   help="auto: FSDP on CUDA; on CPU FSDP needs torch >= 2.1, so DDP there with older torch")
    p.add_argument("--backend", default="nccl" if torch.cuda.is_available() else "gloo")
    p.add_argument("--dtype", default="F32", choices=sorted(checkpoint.DTYPES))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--log-every", type=int, default=1)
    a = p.parse_args()

    dist.init_process_group(a.backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    local = int(os.environ.get("LOCAL_RANK", 0))
    device = torch.device(f"cuda:{local}") if a.backend == "nccl" else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)

    model, raw = checkpoint.load(a.ckpt)  # every rank reads the (validated) checkpoint
    cfg = model.config
    T = a.seq_len or cfg.blockSize
    data = np.load(a.data, mmap_mode="r")
    if data.ndim != 1 or data.dtype.kind not in "iu" or len(data) <= T + 1:
        raise SystemExit(f"{a.data}: need a 1-D integer array longer than {T + 1} tokens")
    if int(data.max()) >= cfg.vocabSize:
        raise SystemExit(f"{a.data}: token id {int(data.max())} >= vocabSize {cfg.vocabSize}")

    model.to(device)
    old_torch = tuple(int(x) for x in torch.__version__.split(".")[:2]) < (2, 1)
    if a.wrap == "auto":
        a.wrap = "ddp" if device.type == "cpu" and old_torch else "fsdp"
    if a.wrap == "fsdp" and device.type == "cpu" and old_torch:
        raise SystemExit(f"torch {torch.__version__}: FSDP does not support CPU-only execution before torch 2.1; "
                         "use --wrap ddp (or a CUDA machine with --backend nccl)")
    if a.wrap == "fsdp":
        from functools import partial
        fsdp = import_fsdp()
        FSDP = fsdp.FullyShardedDataParallel
        from torch.distributed.fsdp.wrap import transformer_auto_wrap_policy
        policy = partial(transformer_auto_wrap_policy, transformer_layer_cls={Block})
        wrapped = FSDP(model, auto_wrap_policy=policy, device_id=device)
    else:
        from torch.nn.parallel import DistributedDataParallel as DDP
        wrapped = DDP(model, device_ids=[local] if device.type == "cuda" else None)
    opt = make_adamw(wrapped, lr=a.lr, weight_decay=a.weight_decay)

    g = np.random.default_rng([a.seed, rank])
    t0 = time.perf_counter()
    for step in range(1, a.steps + 1):
        starts = g.integers(0, len(data) - T - 1, a.batch)
        win = torch.from_numpy(np.stack([np.asarray(data[s:s + T + 1], dtype=np.int64) for s in starts])).to(device)
        opt.zero_grad(set_to_none=True)
        _, loss = wrapped(win[:, :-1], win[:, 1:])
        loss.backward()
        opt.step()
        if step % a.log_every == 0 or step == a.steps:
            l = loss.detach().clone()
            dist.all_reduce(l)
            if rank == 0:
                tps = step * a.batch * T * world / (time.perf_counter() - t0)
                print(json.dumps({"step": step, "loss": float(l) / world, "tokensPerSec": round(tps, 1)}), flush=True)

    if a.wrap == "fsdp":
        cfg_sd = fsdp.FullStateDictConfig(offload_to_cpu=True, rank0_only=True)
        with FSDP.state_dict_type(wrapped, fsdp.StateDictType.FULL_STATE_DICT, cfg_sd):
            sd = wrapped.state_dict()
    else:
        sd = wrapped.module.state_dict()
    if rank == 0:
        sd = {k.replace("_fsdp_wrapped_module.", "").replace("_checkpoint_wrapped_module.", ""): v for k, v in sd.items()}
        checkpoint.save(model, a.out, a.dtype, raw.get("embeddingMeta"), state_dict=sd)
        print(json.dumps({"saved": a.out, "dtype": a.dtype, "world": world, "wrap": a.wrap}), flush=True)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
