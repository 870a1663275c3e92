#!/usr/bin/env python3
"""Naive log-likelihood scoring of MMLU-style requests with the PyTorch twin: the peer of @glyphlm/mmlu-eval's bench.

  score_requests.py --ckpt DIR --requests REQ.json [--out OUT.json] [--threads N] [--limit N]

REQ.json: {"requests": [{"context": [ids], "continuation": [ids]}, ...]}. Each request is scored the way a plain
Hugging Face-style scorer does it: one full forward of context + continuation[:-1] (logits at every position, no
shared prefix, no KV cache), then the sum of log-softmax at the continuation's positions. Prints
{"requests": n, "seconds": s, "requestsPerSec": r, "threads": t} and writes {"logliks": [...]} to OUT.json
(temp file + rename).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
import safetensors_lite as st  # noqa: E402


def read_requests(path: str, vocab: int, block: int):
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    reqs = raw.get("requests") if isinstance(raw, dict) else None
    if not isinstance(reqs, list):
        raise SystemExit(f"{path}: expected {{\"requests\": [...]}}")
    out = []
    for i, r in enumerate(reqs):
        ctx, cont = r.get("context"), r.get("continuation")
        if not (isinstance(ctx, list) and isinstance(cont, list) and ctx and cont):
            raise SystemExit(f"{path}: request {i}: context and continuation must be non-empty id lists")
        ids = ctx + cont[:-1]
        if len(ids) > block:
            raise SystemExit(f"{path}: request {i}: {len(ids)} tokens exceed blockSize {block}")
        if min(ids + cont) < 0 or max(ids + cont) >= vocab:
            raise SystemExit(f"{path}: request {i}: ids must be in [0, {vocab})")
        out.append((ctx, cont))
    return out


@torch.no_grad()
def score(model, ctx, cont) -> float:
    ids = torch.tensor([ctx + cont[:-1]], dtype=torch.long)
    logits = model(ids)[0]  # [T, V]: every position, as a naive scorer computes it
    lp = torch.log_softmax(logits[len(ctx) - 1:], dim=-1)
    return float(lp[torch.arange(len(cont)), torch.tensor(cont)].sum())


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True)
    p.add_argument("--requests", required=True)
    p.add_argument("--out")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--limit", type=int, default=0, help="score only the first N requests")
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads or os.cpu_count() or 1)
    model, _ = checkpoint.load(a.ckpt)
    model.eval()
    reqs = read_requests(a.requests, model.config.vocabSize, model.config.blockSize)
    if a.limit:
        reqs = reqs[: a.limit]
    score(model, *reqs[0])  # warm-up
    t0 = time.perf_counter()
    logliks = [score(model, c, k) for c, k in reqs]
    s = time.perf_counter() - t0
    if a.out:
        st.write_atomic(a.out, json.dumps({"logliks": logliks}).encode("utf-8"))
    print(json.dumps({"requests": len(reqs), "seconds": s, "requestsPerSec": len(reqs) / s, "threads": torch.get_num_threads(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
