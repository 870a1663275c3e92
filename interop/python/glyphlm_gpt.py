"""Plain-PyTorch twin of the glyphlm GPT (packages/transformer-core/docs/architecture-and-checkpoint.md).

Exactly the TypeScript model: repeat_interleave lift of the input embedding, pre-LayerNorm blocks without
learnable norm parameters or biases, NeoX rotate-half RoPE, GELU (tanh) MLP, final norm, untied head. The input
embedding is either trainable (an nn.Parameter) or frozen (a buffer: no gradient, no optimizer state, and FSDP/DDP
leave it alone). Module names equal the checkpoint's tensor names, so `state_dict()` is the checkpoint.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class GPTConfig:
    vocabSize: int
    nEmbed: int
    dModel: int
    nLayer: int
    nHead: int
    blockSize: int
    ropeBase: float = 10000
    dropout: float = 0
    embedding: str = "trainable"  # or "frozen"

    def validate(self, where: str = "config") -> "GPTConfig":
        for f in ("vocabSize", "nEmbed", "dModel", "nLayer", "nHead", "blockSize"):
            v = getattr(self, f)
            if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
                raise ValueError(f"{where}: {f} must be a positive integer, got {v!r}")
        if self.dModel % self.nEmbed:
            raise ValueError(f"{where}: nEmbed ({self.nEmbed}) must divide dModel ({self.dModel})")
        if self.dModel % self.nHead or (self.dModel // self.nHead) % 2:
            raise ValueError(f"{where}: dModel/nHead must be an even integer ({self.dModel}/{self.nHead})")
        if self.embedding not in ("frozen", "trainable"):
            raise ValueError(f"{where}: embedding must be 'frozen' or 'trainable', got {self.embedding!r}")
        if not (0 <= self.dropout < 1):
            raise ValueError(f"{where}: dropout must be in [0, 1), got {self.dropout!r}")
        return self

    def to_json(self) -> dict:
        return asdict(self)


def tensor_shapes(c: GPTConfig) -> List[Tuple[str, Tuple[int, ...]]]:
    """Every checkpoint tensor, in checkpoint order, PyTorch [out, in] layout."""
    d = c.dModel
    out = [("tok_embedding.weight", (c.vocabSize, c.nEmbed))]
    for i in range(c.nLayer):
        out += [(f"blocks.{i}.attn.qkv.weight", (3 * d, d)), (f"blocks.{i}.attn.proj.weight", (d, d)),
                (f"blocks.{i}.mlp.fc.weight", (4 * d, d)), (f"blocks.{i}.mlp.proj.weight", (d, 4 * d))]
    out.append(("lm_head.weight", (c.vocabSize, d)))
    return out


def parameter_count(c: GPTConfig) -> int:
    return sum(math.prod(s) for _, s in tensor_shapes(c))


class FrozenEmbedding(nn.Module):
    """An embedding table held as a buffer named `weight` (state-dict key `tok_embedding.weight`)."""

    def __init__(self, num: int, dim: int):
        super().__init__()
        self.register_buffer("weight", torch.zeros(num, dim))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return F.embedding(ids, self.weight)


def rope_tables(hd: int, positions: torch.Tensor, base: float) -> Tuple[torch.Tensor, torch.Tensor]:
    inv_freq = 1.0 / (base ** (torch.arange(0, hd // 2, dtype=torch.float64) * 2 / hd))
    freqs = positions.to(torch.float64)[:, None] * inv_freq[None, :]
    emb = torch.cat([freqs, freqs], dim=-1)
    return emb.cos().to(torch.float32), emb.sin().to(torch.float32)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def layer_norm(x: torch.Tensor) -> torch.Tensor:
    return F.layer_norm(x, (x.shape[-1],), eps=1e-5)


class Attention(nn.Module):
    def __init__(self, c: GPTConfig):
        super().__init__()
        self.c = c
        self.qkv = nn.Linear(c.dModel, 3 * c.dModel, bias=False)
        self.proj = nn.Linear(c.dModel, c.dModel, bias=False)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, h, cos, sin, cache: Optional[list] = None):
        B, T, D = h.shape
        H = self.c.nHead
        hd = D // H
        q, k, v = self.qkv(h).split(D, dim=-1)
        q, k, v = (t.view(B, T, H, hd).transpose(1, 2) for t in (q, k, v))
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        past = 0
        if cache is not None:
            if cache:
                past = cache[0].shape[2]
                k = torch.cat([cache[0], k], dim=2)
                v = torch.cat([cache[1], v], dim=2)
            cache[:] = [k, v]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        S = k.shape[2]
        mask = torch.ones(T, S, dtype=torch.bool, device=h.device).tril(diagonal=past)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        att = self.drop(att)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        return self.proj(y)


class MLP(nn.Module):
    def __init__(self, c: GPTConfig):
        super().__init__()
        self.fc = nn.Linear(c.dModel, 4 * c.dModel, bias=False)
        self.proj = nn.Linear(4 * c.dModel, c.dModel, bias=False)

    def forward(self, h):
        return self.proj(F.gelu(self.fc(h), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, c: GPTConfig):
        super().__init__()
        self.attn = Attention(c)
        self.mlp = MLP(c)
        self.drop = nn.Dropout(c.dropout)

    def forward(self, x, cos, sin, cache=None):
        x = x + self.drop(self.attn(layer_norm(x), cos, sin, cache))
        return x + self.drop(self.mlp(layer_norm(x)))


class GPT(nn.Module):
    def __init__(self, c: GPTConfig):
        super().__init__()
        self.config = c.validate()
        if c.embedding == "frozen":
            self.tok_embedding = FrozenEmbedding(c.vocabSize, c.nEmbed)
        else:
            self.tok_embedding = nn.Embedding(c.vocabSize, c.nEmbed)
        self.blocks = nn.ModuleList([Block(c) for _ in range(c.nLayer)])
        self.lm_head = nn.Linear(c.dModel, c.vocabSize, bias=False)
        self.drop = nn.Dropout(c.dropout)

    @torch.no_grad()
    def init_weights(self, seed: int, embedding: Optional[torch.Tensor] = None) -> "GPT":
        """N(0, 0.02^2); attn.proj and mlp.proj N(0, (0.02/sqrt(2 nLayer))^2). A frozen table is `embedding`
        when given, else drawn N(0, 0.02^2) like the trainable one (tests only)."""
        g = torch.Generator().manual_seed(seed)
        small = 0.02 / math.sqrt(2 * self.config.nLayer)
        for name, p in self.state_dict(keep_vars=True).items():
            std = small if name.endswith("attn.proj.weight") or name.endswith("mlp.proj.weight") else 0.02
            p.copy_(torch.randn(p.shape, generator=g) * std)
        if embedding is not None:
            self.tok_embedding.weight.copy_(embedding)
        return self

    def _check_ids(self, ids: torch.Tensor, past: int = 0):
        if ids.dim() != 2:
            raise ValueError(f"ids must be [B, T], got shape {tuple(ids.shape)}")
        T = ids.shape[1]
        if past + T > self.config.blockSize:
            raise ValueError(f"sequence length {past + T} exceeds blockSize {self.config.blockSize}")
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.config.vocabSize):
            raise ValueError(f"ids must be in [0, {self.config.vocabSize}), got [{int(ids.min())}, {int(ids.max())}]")

    def forward(self, ids: torch.Tensor, targets: Optional[torch.Tensor] = None, caches: Optional[list] = None):
        """logits [B, T, V]; with targets also the mean cross-entropy over targets >= 0."""
        past = caches[0][0].shape[2] if caches and caches[0] else 0
        self._check_ids(ids, past)
        c = self.config
        T = ids.shape[1]
        e = self.tok_embedding(ids)
        x = self.drop(e.repeat_interleave(c.dModel // c.nEmbed, dim=-1))
        cos, sin = rope_tables(c.dModel // c.nHead, torch.arange(past, past + T, device=ids.device), c.ropeBase)
        cos, sin = cos.to(x.device), sin.to(x.device)
        for i, b in enumerate(self.blocks):
            x = b(x, cos, sin, caches[i] if caches is not None else None)
        logits = self.lm_head(layer_norm(x))
        if targets is None:
            return logits
        t = targets.masked_fill(targets < 0, -100)
        loss = F.cross_entropy(logits.reshape(-1, c.vocabSize), t.reshape(-1), ignore_index=-100)
        return logits, loss

    @torch.no_grad()
    def generate(self, prompt: List[int], max_new_tokens: int, temperature: float = 0.0, seed: int = 0):
        """Greedy (temperature 0) or sampled generation with a KV cache."""
        g = torch.Generator().manual_seed(seed)
        caches = [[] for _ in self.blocks]
        ids = torch.tensor([prompt], dtype=torch.long)
        out = []
        for _ in range(max_new_tokens):
            logits = self.forward(ids, caches=caches)[0, -1]
            if temperature <= 0:
                nxt = int(logits.argmax())
            else:
                nxt = int(torch.multinomial((logits / temperature).softmax(-1), 1, generator=g))
            out.append(nxt)
            ids = torch.tensor([[nxt]], dtype=torch.long)
        return out


def make_adamw(model: nn.Module, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 0.01) -> torch.optim.AdamW:
    """torch.optim.AdamW with the contract's defaults over the trainable parameters (never a frozen table)."""
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.AdamW(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
