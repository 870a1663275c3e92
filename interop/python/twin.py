#!/usr/bin/env python3
"""Command line of the PyTorch twin, used by packages/transformer-core/src/interop.test.ts and the bench.

  init       --config CFG.json --seed S --out DIR [--dtype F32|F16|BF16] [--scale K]
             random weights (embedding 'frozen'/'trainable' taken from CFG.json, default trainable); the
             init's standard deviations times K (tests use K > 1 so attention and GELU are far from linear)
  logits     --ckpt DIR --ids IDS.npy --out LOGITS.npy [--float64]      ids [B, T] int -> float32 [B, T, V]
  loss       --ckpt DIR --ids IDS.npy --targets TGT.npy                  prints {"loss": ...}
  adamw-step --ckpt DIR --ids IDS.npy --targets TGT.npy --out DIR2 [--lr 1e-3] [--weight-decay 0.01]
             [--beta1 0.9] [--beta2 0.999] [--eps 1e-8] [--steps 1] [--dtype F32] [--float64] [--save-grads F]
             torch.optim.AdamW step(s) on the mean cross-entropy; writes the updated checkpoint, prints losses;
             --float64 computes in float64 (a reference for float32 rounding noise), --save-grads writes the
             first step's gradients (F64 safetensors, checkpoint names and layout)
  convert    --ckpt DIR --out DIR2 --dtype F32|F16|BF16
  generate   --ckpt DIR --prompt 1,2,3 --max-new-tokens N                 greedy, KV cache; prints ids
  bench      --config CFG.json [--prompt-len 32] [--new-tokens 64] [--batch 8] [--train-steps 5] [--threads N]
             (default threads: all cores) prints {"generateTokensPerSec": ..., "trainTokensPerSec": ...} for random weights
  batch      JOBS.json                                                    runs a JSON list of argv lists in one
             process (saves torch's ~2 s start-up per command)
Every output file is written to a temp file and renamed.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
from glyphlm_gpt import GPT, GPTConfig, make_adamw  # noqa: E402
import safetensors_lite as st  # noqa: E402


def load_ids(path: str) -> torch.Tensor:
    a = np.load(path)
    if a.dtype.kind not in "iu":
        raise SystemExit(f"{path}: ids must be integers, got {a.dtype}")
    if a.ndim == 1:
        a = a[None, :]
    return torch.from_numpy(a.astype(np.int64))


def save_npy(path: str, a: np.ndarray) -> None:
    buf = io.BytesIO()
    np.save(buf, a)
    st.write_atomic(path, buf.getvalue())


def read_cfg(path: str) -> GPTConfig:
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    kw = {k: raw[k] for k in checkpoint.CONFIG_KEYS if k in raw}
    return GPTConfig(**kw).validate(path)


def cmd_init(a):
    model = GPT(read_cfg(a.config)).init_weights(a.seed)
    if a.scale != 1:
        with torch.no_grad():
            for t in model.state_dict(keep_vars=True).values():
                t.mul_(a.scale)
    checkpoint.save(model, a.out, a.dtype)


def cmd_logits(a):
    model, _ = checkpoint.load(a.ckpt, torch.float64 if a.float64 else torch.float32)
    model.eval()
    with torch.no_grad():
        logits = model(load_ids(a.ids))
    save_npy(a.out, logits.to(torch.float32).numpy())


def cmd_loss(a):
    model, _ = checkpoint.load(a.ckpt)
    with torch.no_grad():
        _, loss = model(load_ids(a.ids), load_ids(a.targets))
    print(json.dumps({"loss": float(loss)}))


def cmd_adamw_step(a):
    model, raw = checkpoint.load(a.ckpt, torch.float64 if a.float64 else torch.float32)
    model.train()
    opt = make_adamw(model, lr=a.lr, betas=(a.beta1, a.beta2), eps=a.eps, weight_decay=a.weight_decay)
    ids, tgt = load_ids(a.ids), load_ids(a.targets)
    losses = []
    for _ in range(a.steps):
        opt.zero_grad(set_to_none=True)
        _, loss = model(ids, tgt)
        loss.backward()
        if a.save_grads and not losses:
            st.save({k: p.grad.detach().double() for k, p in model.named_parameters()}, a.save_grads)
        opt.step()
        losses.append(float(loss))
    checkpoint.save(model, a.out, a.dtype, raw.get("embeddingMeta"))
    print(json.dumps({"losses": losses}))


def cmd_convert(a):
    model, raw = checkpoint.load(a.ckpt)
    checkpoint.save(model, a.out, a.dtype, raw.get("embeddingMeta"))


def cmd_generate(a):
    model, _ = checkpoint.load(a.ckpt)
    model.eval()
    prompt = [int(x) for x in a.prompt.split(",") if x]
    print(json.dumps({"ids": model.generate(prompt, a.max_new_tokens)}))


def cmd_bench(a):
    torch.set_num_threads(a.threads or os.cpu_count() or 1)  # default: every core (torch here defaults to 1)
    cfg = read_cfg(a.config)
    model = GPT(cfg).init_weights(0)
    g = torch.Generator().manual_seed(0)
    prompt = torch.randint(0, cfg.vocabSize, (a.prompt_len,), generator=g).tolist()
    model.eval()
    model.generate(prompt, 4)  # warm-up
    rates = []
    for _ in range(3):  # median of 3, as the TS side reports
        t0 = time.perf_counter()
        model.generate(prompt, a.new_tokens)
        rates.append(a.new_tokens / (time.perf_counter() - t0))
    gen = sorted(rates)[1]
    if a.train_steps == 0:
        print(json.dumps({"generateTokensPerSec": gen, "threads": torch.get_num_threads(), "torch": torch.__version__}))
        return
    model.train()
    opt = make_adamw(model)
    T = cfg.blockSize
    ids = torch.randint(0, cfg.vocabSize, (a.batch, T + 1), generator=g)
    times = []
    for i in range(a.train_steps + 1):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        _, loss = model(ids[:, :-1], ids[:, 1:])
        loss.backward()
        opt.step()
        if i:
            times.append(time.perf_counter() - t0)
    train = a.batch * T / (sum(times) / len(times))
    print(json.dumps({"generateTokensPerSec": gen, "trainTokensPerSec": train, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


def cmd_batch(a):
    with open(a.jobs, encoding="utf-8") as f:
        jobs = json.load(f)
    for argv in jobs:
        if not isinstance(argv, list) or not argv or argv[0] == "batch":
            raise ValueError(f"{a.jobs}: each job must be a non-empty argv list (not batch), got {argv!r}")
        main([str(x) for x in argv])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("init"); s.add_argument("--config", required=True); s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", required=True); s.add_argument("--dtype", default="F32")
    s.add_argument("--scale", type=float, default=1.0); s.set_defaults(f=cmd_init)
    s = sub.add_parser("logits"); s.add_argument("--ckpt", required=True); s.add_argument("--ids", required=True)
    s.add_argument("--out", required=True); s.add_argument("--float64", action="store_true"); s.set_defaults(f=cmd_logits)
    s = sub.add_parser("loss"); s.add_argument("--ckpt", required=True); s.add_argument("--ids", required=True)
    s.add_argument("--targets", required=True); s.set_defaults(f=cmd_loss)
    s = sub.add_parser("adamw-step"); s.add_argument("--ckpt", required=True); s.add_argument("--ids", required=True)
    s.add_argument("--targets", required=True); s.add_argument("--out", required=True)
    s.add_argument("--lr", type=float, default=1e-3); s.add_argument("--weight-decay", type=float, default=0.01)
    s.add_argument("--beta1", type=float, default=0.9); s.add_argument("--beta2", type=float, default=0.999)
    s.add_argument("--eps", type=float, default=1e-8); s.add_argument("--steps", type=int, default=1)
    s.add_argument("--dtype", default="F32"); s.add_argument("--float64", action="store_true")
    s.add_argument("--save-grads", default=""); s.set_defaults(f=cmd_adamw_step)
    s = sub.add_parser("convert"); s.add_argument("--ckpt", required=True); s.add_argument("--out", required=True)
    s.add_argument("--dtype", required=True); s.set_defaults(f=cmd_convert)
    s = sub.add_parser("generate"); s.add_argument("--ckpt", required=True); s.add_argument("--prompt", required=True)
    s.add_argument("--max-new-tokens", type=int, default=16); s.set_defaults(f=cmd_generate)
    s = sub.add_parser("bench"); s.add_argument("--config", required=True); s.add_argument("--prompt-len", type=int, default=32)
    s.add_argument("--new-tokens", type=int, default=64); s.add_argument("--batch", type=int, default=8)
    s.add_argument("--train-steps", type=int, default=5); s.add_argument("--threads", type=int, default=0)
    s.set_defaults(f=cmd_bench)
    s = sub.add_parser("batch"); s.add_argument("jobs"); s.set_defaults(f=cmd_batch)
    a = p.parse_args(argv)
    try:
        a.f(a)
    except (checkpoint.CheckpointError, st.SafetensorsError, ValueError) as e:
        print(f"twin.py {a.cmd}: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
