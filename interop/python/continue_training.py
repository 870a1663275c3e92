#!/usr/bin/env python3
"""Continue an @glyphlm/trainer run with PyTorch (torchrun: DDP over gloo on CPU, FSDP over NCCL on GPUs) and
write a trainer checkpoint that TypeScript `train({ resume: true, ... })` picks up again.

  torchrun --standalone --nproc_per_node=2 interop/python/continue_training.py \
      --ckpt runs/a/ckpt --data runs/a/shards --steps 100 [--out runs/b/ckpt] [--total-steps S] [--wrap auto]

(Debian bookworm's torch 1.13 + Python 3.11: `python3 interop/python/torchrun_compat.py` in place of `torchrun`.
Without torchrun it runs as one process.)

It reads <ckpt>/latest.json -> step-NNNNNN/ {config.json, model.safetensors, optimizer.safetensors, trainer.json},
checks the shard directory against the run (data and tokenizer fingerprints, token counts, vocabulary), and runs
optimizer steps nextStep .. nextStep+M-1 with the trainer's exact semantics: the same micro-batches (counter-based
sampler, batchIndex = step * gradAccumSteps + k), the token-weighted mean loss over the whole step, the same
warmup + cosine schedule (horizon options.steps), global-norm clipping (clip_grad_norm_), AdamW (torch.optim.AdamW,
decoupled decay on every trainable tensor; a frozen embedding is a buffer: no gradient, no state) continuing from
the saved moments and step, and the same validation cadence and batches. Each rank takes a contiguous block of
every micro-batch's rows; gradients are summed over ranks and divided by the step's target count. Dropout, when the
run uses it, draws torch's own masks (TypeScript's differ; with dropout 0 the two runs agree to float32 rounding).
At the end rank 0 writes <out>/step-NNNNNN.tmp-xxxx/, renames it, then writes latest.json (temp + rename), and
keeps the newest --keep step directories.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import secrets
import shutil
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import checkpoint  # noqa: E402
import safetensors_lite as st  # noqa: E402
import trainer_data as td  # noqa: E402
from glyphlm_gpt import GPT, Block  # noqa: E402

TRAINER_FORMAT = "glyphlm-trainer"
TRAINER_VERSION = 1
OPTIM_FORMAT = "glyphlm-adamw"
OPTION_KEYS = ("steps", "batchSize", "gradAccumSteps", "lr", "minLr", "warmupSteps", "weightDecay", "gradClip",
               "dropout", "seed", "evalEvery", "evalBatches", "blockSize")
STEP_DIR_RE = re.compile(r"^step-(\d{6,})$")


class BridgeError(ValueError):
    """A trainer checkpoint or shard directory that cannot be continued; the message names the file and field."""


# ------------------------------------------------------------------------------------------ reading a run


def read_json(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
    except OSError as e:
        raise BridgeError(f"{path}: cannot read ({e.strerror or e})") from None
    except json.JSONDecodeError as e:
        raise BridgeError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(v, dict):
        raise BridgeError(f"{path}: must hold a JSON object")
    return v


def latest_step_dir(ckpt_root: str) -> Tuple[str, dict]:
    """(path of the step directory latest.json names, latest.json)."""
    lpath = os.path.join(ckpt_root, "latest.json")
    latest = read_json(lpath)
    d, step = latest.get("dir"), latest.get("step")
    if not isinstance(d, str) or not STEP_DIR_RE.match(d):
        raise BridgeError(f"{lpath}: dir must name a step-NNNNNN directory, got {d!r}")
    if not isinstance(step, int) or step < 0:
        raise BridgeError(f"{lpath}: step must be an integer >= 0, got {step!r}")
    path = os.path.join(ckpt_root, d)
    if not os.path.isdir(path):
        raise BridgeError(f"{lpath}: names {d}, which is not a directory in {ckpt_root}")
    return path, latest


def read_trainer_json(step_dir: str, expect_step: Optional[int] = None) -> dict:
    path = os.path.join(step_dir, "trainer.json")
    t = read_json(path)
    if t.get("format") != TRAINER_FORMAT or t.get("version") != TRAINER_VERSION:
        raise BridgeError(f"{path}: format/version must be {TRAINER_FORMAT!r}/{TRAINER_VERSION}, got "
                          f"{t.get('format')!r}/{t.get('version')!r}")
    opts = t.get("options")
    if not isinstance(opts, dict):
        raise BridgeError(f"{path}: options must be an object")
    for k in OPTION_KEYS:
        v = opts.get(k)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            raise BridgeError(f"{path}: options.{k} must be a finite number, got {v!r}")
    for k in ("steps", "batchSize", "gradAccumSteps", "blockSize"):
        if not isinstance(opts[k], int) or opts[k] < 1:
            raise BridgeError(f"{path}: options.{k} must be a positive integer, got {opts[k]!r}")
    for k in ("warmupSteps", "evalEvery", "evalBatches", "seed"):
        if not isinstance(opts[k], int) or (opts[k] < 0 and k != "seed"):
            raise BridgeError(f"{path}: options.{k} must be an integer >= 0, got {opts[k]!r}")
    if opts["lr"] <= 0:
        raise BridgeError(f"{path}: options.lr must be > 0, got {opts['lr']!r}")
    step = t.get("step")
    if not isinstance(step, int) or step < 0:
        raise BridgeError(f"{path}: step must be an integer >= 0, got {step!r}")
    if expect_step is not None and step != expect_step:
        raise BridgeError(f"{path}: step {step}, but latest.json says {expect_step}")
    sampler = t.get("sampler")
    if not isinstance(sampler, dict) or sampler.get("nextStep") != step or sampler.get("seed") != opts["seed"]:
        raise BridgeError(f"{path}: sampler must be {{seed: options.seed, nextStep: step}} "
                          f"= {{seed: {opts['seed']}, nextStep: {step}}}, got {sampler!r}")
    if not isinstance(t.get("data"), dict):
        raise BridgeError(f"{path}: data must be an object (fingerprint, tokenizerFingerprint, trainTokens, valTokens)")
    if not isinstance(t.get("history", []), list):
        raise BridgeError(f"{path}: history must be an array")
    return t


def check_data(trainer: dict, trainer_path: str, shards: td.ShardDir, vocab_size: int, block_size: int) -> None:
    """The shard directory must be the run's data: same fingerprints, token counts, ids inside the model."""
    want = trainer["data"]
    cpath = os.path.join(shards.path, "corpus.json")
    got = {"fingerprint": shards.fingerprint, "tokenizerFingerprint": shards.tokenizer_fingerprint,
           "trainTokens": len(shards.train), "valTokens": len(shards.val)}
    for k, v in got.items():
        if k in want and want[k] != v:
            raise BridgeError(f"data mismatch: {trainer_path} data.{k} = {want[k]!r}, but {cpath} / its shards "
                              f"give {v!r} (a different corpus or tokenizer)")
    if "fingerprint" not in want or not shards.fingerprint:
        raise BridgeError(f"{trainer_path} / {cpath}: no data fingerprint to check the shards against")
    if shards.vocab_size > vocab_size:
        raise BridgeError(f"{shards.files['train'][0]}: vocabSize {shards.vocab_size} exceeds the model's {vocab_size}")
    if block_size > 0:
        for name, s in (("train", shards.train), ("val", shards.val)):
            if len(s) < block_size + 1:
                raise BridgeError(f"{shards.path}: the {name} split has {len(s)} tokens; blockSize {block_size} "
                                  f"needs at least {block_size + 1}")


def read_optimizer(step_dir: str, names: List[str], shapes: Dict[str, Tuple[int, ...]], step: int):
    """({name: (exp_avg, exp_avg_sq)} float32 tensors, adam step, metadata) from optimizer.safetensors, whose
    step must be trainer.json's `step`. No tensors is allowed only at step 0 (no update taken yet)."""
    path = os.path.join(step_dir, "optimizer.safetensors")
    if not os.path.exists(path):
        raise BridgeError(f"{path}: missing (the trainer writes it with every checkpoint)")
    try:
        meta, tensors = st.load_torch(path)
    except st.SafetensorsError as e:
        raise BridgeError(str(e)) from None
    if meta.get("format") != OPTIM_FORMAT:
        raise BridgeError(f"{path}: __metadata__.format must be {OPTIM_FORMAT!r}, got {meta.get('format')!r}")
    try:
        adam_step = int(meta.get("step", ""))
    except ValueError:
        raise BridgeError(f"{path}: __metadata__.step must be an integer string, got {meta.get('step')!r}") from None
    if adam_step != step:
        raise BridgeError(f"{path}: __metadata__.step is {adam_step}, but trainer.json says {step}")
    want = {f"{kind}.{n}" for n in names for kind in ("exp_avg", "exp_avg_sq")}
    if adam_step == 0 and not tensors:
        return {}, 0, meta
    missing, extra = sorted(want - set(tensors)), sorted(set(tensors) - want)
    if missing or extra:
        raise BridgeError(f"{path}: missing tensors {missing[:4]}, unexpected tensors {extra[:4]} "
                          f"(expected exp_avg.<name> and exp_avg_sq.<name> for every trainable tensor)")
    out = {}
    for n in names:
        pair = []
        for kind in ("exp_avg", "exp_avg_sq"):
            t = tensors[f"{kind}.{n}"]
            if t.dtype != torch.float32:
                raise BridgeError(f"{path}: {kind}.{n}: dtype {t.dtype}, expected F32")
            if tuple(t.shape) != shapes[n]:
                raise BridgeError(f"{path}: {kind}.{n}: shape {list(t.shape)}, the model has {list(shapes[n])}")
            if not torch.isfinite(t).all():
                raise BridgeError(f"{path}: {kind}.{n}: contains NaN or Inf")
            if kind == "exp_avg_sq" and (t < 0).any():
                raise BridgeError(f"{path}: {kind}.{n}: negative second moment")
            pair.append(t.clone())
        out[n] = tuple(pair)
    return out, adam_step, meta


def optimizer_hparams(trainer: dict, meta: dict, path: str) -> Tuple[Tuple[float, float], float, float]:
    """(betas, eps, weight decay): optimizer.safetensors' metadata, which must agree with trainer.json."""
    try:
        betas = tuple(float(b) for b in json.loads(meta.get("betas", "[0.9,0.95]")))
        eps = float(meta.get("eps", "1e-8"))
        wd = float(meta.get("weight_decay", str(trainer["options"]["weightDecay"])))
    except (ValueError, TypeError) as e:
        raise BridgeError(f"{path}: __metadata__ betas/eps/weight_decay unreadable ({e})") from None
    if len(betas) != 2 or not all(0 <= b < 1 for b in betas):
        raise BridgeError(f"{path}: __metadata__.betas must be two numbers in [0, 1), got {meta.get('betas')!r}")
    if wd != trainer["options"]["weightDecay"]:
        raise BridgeError(f"{path}: __metadata__.weight_decay {wd} but trainer.json options.weightDecay "
                          f"{trainer['options']['weightDecay']}")
    return betas, eps, wd  # type: ignore[return-value]


# ------------------------------------------------------------------------------------------ writing a run


def js_number(x: float) -> str:
    """A float as JavaScript's String(x) spells it for the usual hyper-parameters (1e-8, 0.1, 1)."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    mant, _, exp = repr(x).partition("e")
    if not exp:
        return mant
    if -7 < int(exp) < 21:  # JavaScript writes these positionally
        return np.format_float_positional(x, trim="-")
    return f"{mant}e{'+' if int(exp) > 0 else '-'}{abs(int(exp))}"


def write_json_atomic(path: str, obj) -> None:
    st.write_atomic(path, (json.dumps(obj, indent=2) + "\n").encode("utf-8"))


def save_trainer_checkpoint(out_root: str, step: int, model: GPT, raw_config: dict, state_dict: Dict[str, torch.Tensor],
                            moments: Dict[str, Tuple[torch.Tensor, torch.Tensor]], adam_step: int,
                            hparams: Tuple[Tuple[float, float], float, float], trainer: dict, keep: int) -> str:
    """Writes <out_root>/step-NNNNNN/ through a temp directory + rename, then latest.json (temp + rename), then
    removes all but the newest `keep` step directories (never the one latest.json names). Returns the step dir."""
    os.makedirs(out_root, exist_ok=True)
    name = f"step-{step:06d}"
    final = os.path.join(out_root, name)
    tmp = os.path.join(out_root, f"{name}.tmp-{secrets.token_hex(4)}")
    os.mkdir(tmp)
    try:
        checkpoint.save(model, tmp, "F32", raw_config.get("embeddingMeta"), state_dict=state_dict)
        conf = {**raw_config, "dtype": "F32"}  # keep every field TypeScript wrote (resume compares them)
        write_json_atomic(os.path.join(tmp, "config.json"), conf)
        betas, eps, wd = hparams
        tensors = {}
        for n, (m, v) in moments.items():
            tensors[f"exp_avg.{n}"] = m.detach().to("cpu", torch.float32).contiguous()
            tensors[f"exp_avg_sq.{n}"] = v.detach().to("cpu", torch.float32).contiguous()
        st.save(tensors, os.path.join(tmp, "optimizer.safetensors"),
                {"format": OPTIM_FORMAT, "step": str(adam_step), "betas": json.dumps(list(betas), separators=(",", ":")),
                 "eps": js_number(eps), "weight_decay": js_number(wd)})
        write_json_atomic(os.path.join(tmp, "trainer.json"), trainer)
        if os.path.exists(final):  # a stale directory of an abandoned run (latest.json never named it here)
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    write_json_atomic(os.path.join(out_root, "latest.json"), {"step": step, "dir": name})
    dirs = sorted((d for d in os.listdir(out_root) if STEP_DIR_RE.match(d)), key=lambda d: int(d[5:]))
    for d in dirs[:-keep] if keep > 0 else []:
        if d != name:
            shutil.rmtree(os.path.join(out_root, d), ignore_errors=True)
    return final


# ------------------------------------------------------------------------------------------ training


@dataclass
class Dist:
    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def on(self) -> bool:
        return self.world > 1

    def sum(self, values: List[float]) -> List[float]:
        """Sums float64 values over ranks."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.on:
            dist.all_reduce(t)
        return t.tolist()


def micro_batches(shards: td.ShardDir, split: str, seed: int, batch_indices: List[int], batch_size: int, T: int,
                  rows: range, device) -> List[Tuple[torch.Tensor, torch.Tensor]]:
    src = shards.train if split == "train" else shards.val
    mask = shards.train_mask if split == "train" else shards.val_mask
    out = []
    for bi in batch_indices:
        ids, tg = td.sample_batch(src, mask, seed, bi, batch_size, T, rows=rows, name=f"{split} split")
        out.append((torch.from_numpy(ids).to(device), torch.from_numpy(tg).to(device)))
    return out


def token_loss_sum(model: nn.Module, ids: torch.Tensor, targets: torch.Tensor, vocab: int) -> torch.Tensor:
    """Sum of per-token cross-entropies over the targets >= 0 (float32)."""
    logits = model(ids)
    t = targets.masked_fill(targets < 0, -100).reshape(-1)
    return F.cross_entropy(logits.reshape(-1, vocab), t, ignore_index=-100, reduction="sum")


@torch.no_grad()
def eval_loss(model: nn.Module, shards: td.ShardDir, opts: dict, d: Dist, vocab: int) -> float:
    B, T = opts["batchSize"], opts["blockSize"]
    batches = micro_batches(shards, "val", td.eval_seed(opts["seed"]), list(range(opts["evalBatches"])), B, T,
                            td.rank_rows(B, d.rank, d.world), d.device)
    total = count = 0.0
    was = model.training
    model.eval()
    for ids, tg in batches:
        if ids.shape[0]:
            total += float(token_loss_sum(model, ids, tg, vocab))
            count += float((tg >= 0).sum())
    model.train(was)
    total, count = d.sum([total, count])
    if count == 0:
        raise BridgeError("evaluation: every target of the validation batches is ignored (masked)")
    return total / count


class NonFiniteError(RuntimeError):
    pass


def set_dropout(model: nn.Module, p: float) -> None:
    for m in model.modules():
        if isinstance(m, nn.Dropout):
            m.p = p


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ckpt", required=True, help="the trainer's checkpointDir (holds latest.json)")
    p.add_argument("--data", required=True, help="the run's shard directory (corpus.json + train-*.bin, val-*.bin)")
    p.add_argument("--steps", type=int, default=None,
                   help="optimizer steps to run (default: up to options.steps)")
    p.add_argument("--out", default=None, help="checkpointDir to write (default: --ckpt, i.e. continue in place)")
    p.add_argument("--total-steps", type=int, default=None,
                   help="new schedule horizon options.steps (default: keep the run's)")
    p.add_argument("--keep", type=int, default=2, help="step directories to keep in --out (default 2)")
    p.add_argument("--wrap", choices=["auto", "ddp", "fsdp"], default="auto",
                   help="auto: FSDP on CUDA, DDP on CPU (torch < 2.1 has no CPU FSDP)")
    p.add_argument("--backend", default=None, help="process-group backend (default: nccl with CUDA, else gloo)")
    p.add_argument("--quiet", action="store_true", help="no per-step JSON lines")
    return p.parse_args(argv)


def init_dist(backend: Optional[str]) -> Dist:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Dist()
    backend = backend or ("nccl" if torch.cuda.is_available() else "gloo")
    dist.init_process_group(backend)
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = torch.device(f"cuda:{local}") if backend == "nccl" else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    return Dist(dist.get_rank(), dist.get_world_size(), device)


def run(argv=None) -> dict:
    """The whole continuation; returns {"dir", "history"} (the new entries) on every rank."""
    a = parse_args(argv)
    out_root = a.out or a.ckpt
    if a.keep < 1:
        raise BridgeError(f"--keep must be >= 1, got {a.keep}")
    # ---- everything is read and checked before the process group or any step
    step_dir, latest = latest_step_dir(a.ckpt)
    trainer = read_trainer_json(step_dir, latest["step"])
    tpath = os.path.join(step_dir, "trainer.json")
    opts = dict(trainer["options"])
    start = trainer["step"]
    if a.total_steps is not None:
        if a.total_steps < 1:
            raise BridgeError(f"--total-steps must be >= 1, got {a.total_steps}")
        opts["steps"] = a.total_steps
    n_steps = a.steps if a.steps is not None else opts["steps"] - start
    if n_steps < 1:
        raise BridgeError(f"{tpath}: the run is at step {start} of options.steps = {opts['steps']}: nothing to do "
                          f"(give --steps, and --total-steps for a longer schedule)")
    if start + n_steps > opts["steps"]:
        raise BridgeError(f"--steps {n_steps} from step {start} passes the schedule's end options.steps = "
                          f"{opts['steps']} ({tpath}); give --total-steps >= {start + n_steps}")
    model, raw = checkpoint.load(step_dir)
    cfg = model.config
    if opts["blockSize"] > cfg.blockSize:
        raise BridgeError(f"{tpath}: options.blockSize {opts['blockSize']} exceeds the model's blockSize {cfg.blockSize}")
    shards = td.open_shards(a.data)
    check_data(trainer, tpath, shards, cfg.vocabSize, opts["blockSize"])
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    shapes = {n: tuple(p.shape) for n, p in model.named_parameters()}
    moments, adam_step, ometa = read_optimizer(step_dir, names, shapes, start)
    betas, eps, wd = optimizer_hparams(trainer, ometa, os.path.join(step_dir, "optimizer.safetensors"))
    if opts["dropout"] != 0 and not (0 <= opts["dropout"] < 1):
        raise BridgeError(f"{tpath}: options.dropout must be in [0, 1), got {opts['dropout']}")

    d = init_dist(a.backend)
    try:
        return _train(a, d, model, raw, cfg, shards, trainer, opts, start, n_steps, names, moments, adam_step,
                      (betas, eps, wd), out_root)
    finally:
        if d.on:
            dist.destroy_process_group()


def _train(a, d: Dist, model: GPT, raw: dict, cfg, shards: td.ShardDir, trainer: dict, opts: dict, start: int,
           n_steps: int, names: List[str], moments, adam_step: int, hparams, out_root: str) -> dict:
    betas, eps, wd = hparams
    set_dropout(model, float(opts["dropout"]))
    model.to(d.device).train()
    wrap = a.wrap
    old_torch = tuple(int(x) for x in re.findall(r"\d+", torch.__version__)[:2]) < (2, 1)
    if wrap == "auto":
        wrap = "fsdp" if d.device.type == "cuda" else "ddp"
    if wrap == "fsdp" and d.device.type == "cpu" and old_torch:
        raise BridgeError(f"torch {torch.__version__}: FSDP needs CUDA before torch 2.1; use --wrap ddp")
    params = dict(model.named_parameters())

    # torch.optim.AdamW state of the unwrapped model, keyed by parameter name
    def full_state():
        return {n: {"step": torch.tensor(float(adam_step)), "exp_avg": moments[n][0].to(d.device),
                    "exp_avg_sq": moments[n][1].to(d.device)} for n in names} if moments else {}

    fsdp = None
    if not d.on:
        wrapped: nn.Module = model
        opt = torch.optim.AdamW([params[n] for n in names], lr=opts["lr"], betas=betas, eps=eps, weight_decay=wd)
        for n, s in full_state().items():
            opt.state[params[n]] = s
    elif wrap == "ddp":
        from torch.nn.parallel import DistributedDataParallel as DDP
        wrapped = DDP(model, device_ids=[d.device.index] if d.device.type == "cuda" else None)
        opt = torch.optim.AdamW([params[n] for n in names], lr=opts["lr"], betas=betas, eps=eps, weight_decay=wd)
        for n, s in full_state().items():
            opt.state[params[n]] = s
    else:  # FSDP (CUDA): shard the full optimizer state keyed by parameter names onto the flat parameters
        from functools import partial
        from torch_compat import import_fsdp
        fsdp = import_fsdp()
        from torch.distributed.fsdp.wrap import transformer_auto_wrap_policy
        FSDP = fsdp.FullyShardedDataParallel
        wrapped = FSDP(model, auto_wrap_policy=partial(transformer_auto_wrap_policy, transformer_layer_cls={Block}),
                       device_id=d.device)
        opt = torch.optim.AdamW(wrapped.parameters(), lr=opts["lr"], betas=betas, eps=eps, weight_decay=wd)
        if moments:
            group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
            full = {"state": full_state(), "param_groups": [{**group, "params": list(names)}]}
            opt.load_state_dict(FSDP.shard_full_optim_state_dict(full, wrapped))

    B, T, accum, seed = opts["batchSize"], opts["blockSize"], opts["gradAccumSteps"], opts["seed"]
    rows = td.rank_rows(B, d.rank, d.world)
    history = list(trainer.get("history", []))
    elapsed0 = float(history[-1].get("elapsedMs", 0) or 0) if history else 0.0
    clip = opts["gradClip"]
    clip = clip if clip > 0 and math.isfinite(clip) else math.inf  # inf: the norm is still measured, nothing scaled
    trainable = [params[n] for n in names]
    new_entries = []
    t0 = time.perf_counter()
    for s in range(start, start + n_steps):
        t_step = time.perf_counter()
        lr = td.lr_at(s, opts["lr"], opts["minLr"], opts["warmupSteps"], opts["steps"])
        for g in opt.param_groups:
            g["lr"] = lr
        batch = micro_batches(shards, "train", seed, [s * accum + k for k in range(accum)], B, T, rows, d.device)
        local_count = float(sum(int((tg >= 0).sum()) for _, tg in batch))
        (n_targets,) = d.sum([local_count])
        if n_targets == 0:
            raise BridgeError(f"step {s}: every target of the step is ignored (masked), nothing to learn from")
        opt.zero_grad(set_to_none=True)
        loss_sum = 0.0
        scale = d.world / n_targets  # DDP/FSDP average gradients over ranks; this turns them into sum / n_targets
        for k, (ids, tg) in enumerate(batch):
            if opts["dropout"] > 0:
                torch.manual_seed(td.dropout_seed(seed, s, k, accum) * 1009 + d.rank)
            sync = (k == accum - 1) or not d.on
            with (contextlib.nullcontext() if sync else wrapped.no_sync()):
                ls = token_loss_sum(wrapped, ids, tg, cfg.vocabSize)
                (ls * scale).backward()
            loss_sum += float(ls.detach())
        (total,) = d.sum([loss_sum])
        loss = total / n_targets
        if not math.isfinite(loss):
            raise NonFiniteError(f"step {s}: the loss is {loss}")
        for n, p in (wrapped.named_parameters() if fsdp else zip(names, trainable)):
            if p.grad is not None and not torch.isfinite(p.grad).all():
                raise NonFiniteError(f"step {s}: the gradient of {n} has NaN or Inf")
        # torch.nn.utils.clip_grad_norm_ semantics (coef = clip / (norm + 1e-6), applied when < 1); FSDP's own
        # clip_grad_norm_ computes the same global norm over the shards
        norm = wrapped.clip_grad_norm_(clip) if fsdp else torch.nn.utils.clip_grad_norm_(trainable, clip)
        opt.step()
        adam_step += 1
        now = time.perf_counter()
        step_tokens = B * accum * T
        entry = {"step": s + 1, "loss": loss, "lr": lr, "gradNorm": float(norm), "tokens": (s + 1) * step_tokens,
                 "tokensPerSecond": step_tokens / max(1e-9, now - t_step),
                 "elapsedMs": elapsed0 + (now - t0) * 1000}
        ev = opts["evalEvery"]
        if opts["evalBatches"] > 0 and ((ev > 0 and (s + 1) % ev == 0) or s + 1 == opts["steps"]):
            entry["valLoss"] = eval_loss(wrapped if fsdp else model, shards, opts, d, cfg.vocabSize)
        history.append(entry)
        new_entries.append(entry)
        if d.rank == 0 and not a.quiet:
            print(json.dumps(entry), flush=True)

    # ---- gather and write (rank 0)
    end = start + n_steps
    if fsdp:
        FSDP = fsdp.FullyShardedDataParallel
        cfg_sd = fsdp.FullStateDictConfig(offload_to_cpu=True, rank0_only=True)
        with FSDP.state_dict_type(wrapped, fsdp.StateDictType.FULL_STATE_DICT, cfg_sd):
            sd = wrapped.state_dict()
        osd = FSDP.full_optim_state_dict(wrapped, opt)  # keyed by parameter names, rank 0 only
        clean = lambda k: k.replace("_fsdp_wrapped_module.", "").replace("_checkpoint_wrapped_module.", "")  # noqa: E731
        sd = {clean(k): v for k, v in sd.items()}
        out_moments = {clean(k): (v["exp_avg"], v["exp_avg_sq"]) for k, v in osd.get("state", {}).items()}
    else:
        sd = model.state_dict()
        out_moments = {n: (opt.state[params[n]]["exp_avg"], opt.state[params[n]]["exp_avg_sq"]) for n in names}
    out_dir = os.path.join(out_root, f"step-{end:06d}")
    if d.rank == 0:
        new_trainer = {**trainer, "step": end, "options": opts, "sampler": {**trainer["sampler"], "nextStep": end},
                       "history": history,
                       "engine": {"workers": d.world, "runtime": f"torch {torch.__version__}",
                                  "wrap": "single" if not d.on else wrap}}
        out_dir = save_trainer_checkpoint(out_root, end, model, raw, sd, out_moments, adam_step, hparams,
                                          new_trainer, a.keep)
        if not a.quiet:
            print(json.dumps({"saved": out_dir, "step": end, "world": d.world,
                              "wrap": "single" if not d.on else wrap}), flush=True)
    if d.on:
        dist.barrier()
    return {"dir": out_dir, "history": new_entries}


def main():
    try:
        run()
    except (BridgeError, td.ShardError, checkpoint.CheckpointError, NonFiniteError) as e:
        print(f"continue_training.py: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
