"""glyphlm checkpoint directories (config.json + model.safetensors) for the PyTorch twin.

Format version 1, per packages/transformer-core/docs/architecture-and-checkpoint.md. Loading validates the
format tag, the config, tensor names (missing/extra), shapes, dtypes and finiteness before building a model;
saving writes each file to a temp file and renames it. No `safetensors` package needed (safetensors_lite).
"""
from __future__ import annotations

import json
import os
from typing import Optional, Tuple

import torch

from glyphlm_gpt import GPT, GPTConfig, tensor_shapes
import safetensors_lite as st

FORMAT = "glyphlm-gpt"
FORMAT_VERSION = 1
DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}
CONFIG_KEYS = ("vocabSize", "nEmbed", "dModel", "nLayer", "nHead", "blockSize", "ropeBase", "dropout", "embedding")


class CheckpointError(ValueError):
    pass


def read_config(ckpt_dir: str) -> Tuple[GPTConfig, dict]:
    """(GPTConfig, the raw config.json dict) with the format tag checked."""
    path = os.path.join(ckpt_dir, "config.json")
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise CheckpointError(f"{path}: cannot read ({e})") from None
    if raw.get("format") != FORMAT or raw.get("formatVersion") != FORMAT_VERSION:
        raise CheckpointError(f"{path}: format/formatVersion must be {FORMAT!r}/{FORMAT_VERSION}, got "
                              f"{raw.get('format')!r}/{raw.get('formatVersion')!r}")
    if raw.get("dtype") not in DTYPES:
        raise CheckpointError(f"{path}: dtype must be one of {sorted(DTYPES)}, got {raw.get('dtype')!r}")
    kw = {k: raw[k] for k in CONFIG_KEYS if k in raw}
    try:
        cfg = GPTConfig(**kw).validate(path)
    except TypeError as e:
        raise CheckpointError(f"{path}: {e}") from None
    return cfg, raw


def load(ckpt_dir: str, dtype: torch.dtype = torch.float32) -> Tuple[GPT, dict]:
    """A GPT (float32 by default, whatever the stored dtype) and the raw config.json dict."""
    cfg, raw = read_config(ckpt_dir)
    path = os.path.join(ckpt_dir, "model.safetensors")
    meta, tensors = st.load_torch(path)
    if meta.get("format") != FORMAT or meta.get("formatVersion") != str(FORMAT_VERSION):
        raise CheckpointError(f"{path}: __metadata__ must hold format={FORMAT}, formatVersion={FORMAT_VERSION}, got {meta}")
    want = dict(tensor_shapes(cfg))
    missing = [k for k in want if k not in tensors]
    extra = [k for k in tensors if k not in want]
    if missing or extra:
        raise CheckpointError(f"{path}: missing tensors {missing}, unexpected tensors {extra}")
    sd = {}
    for name, shape in want.items():
        t = tensors[name]
        if tuple(t.shape) != shape:
            raise CheckpointError(f"{path}: {name}: shape {list(t.shape)} but config.json implies {list(shape)}")
        if t.dtype != DTYPES[raw["dtype"]]:
            raise CheckpointError(f"{path}: {name}: dtype {t.dtype} but config.json says {raw['dtype']}")
        if not torch.isfinite(t).all():
            raise CheckpointError(f"{path}: {name}: contains NaN or Inf")
        sd[name] = t.to(dtype)
    model = GPT(cfg).to(dtype)
    model.load_state_dict(sd, strict=True)
    return model, raw


def save(model: GPT, ckpt_dir: str, dtype: str = "F32", embedding_meta: Optional[dict] = None,
         state_dict: Optional[dict] = None) -> None:
    """Writes config.json + model.safetensors in `dtype` (F32/F16/BF16). `state_dict` overrides the model's
    (e.g. a full state dict gathered from FSDP)."""
    if dtype not in DTYPES:
        raise CheckpointError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
    cfg = model.config
    sd = state_dict if state_dict is not None else model.state_dict()
    tensors = {}
    for name, shape in tensor_shapes(cfg):
        t = sd[name].detach().to("cpu", DTYPES[dtype]).contiguous()
        if tuple(t.shape) != shape:
            raise CheckpointError(f"{name}: shape {list(t.shape)}, expected {list(shape)}")
        if not torch.isfinite(t).all():
            raise CheckpointError(f"{name}: contains NaN or Inf (after conversion to {dtype})")
        tensors[name] = t
    os.makedirs(ckpt_dir, exist_ok=True)
    conf = {"format": FORMAT, "formatVersion": FORMAT_VERSION, **cfg.to_json(), "dtype": dtype}
    if embedding_meta is not None:
        conf["embeddingMeta"] = embedding_meta
    st.save(tensors, os.path.join(ckpt_dir, "model.safetensors"),
            {"format": FORMAT, "formatVersion": str(FORMAT_VERSION)})
    st.write_atomic(os.path.join(ckpt_dir, "config.json"), (json.dumps(conf, indent=2) + "\n").encode("utf-8"))
