"""The data side of @glyphlm/trainer for the PyTorch twin: token shards, the batch sampler and the lr schedule.

Everything here follows the trainer's shared formats bit for bit (the shard header, the counter-based sampler and
the warmup + cosine schedule; see packages/trainer/README.md), so that a run continued by continue_training.py
sees exactly the batches and learning rates TypeScript would have used.

- `open_shards(dir)`: a shard directory (corpus.json listing train-NNNNN.bin / val-NNNNN.bin and optional
  *.mask.bin) memory-mapped with numpy; every header checked (magic, version, id width, vocabulary, token count,
  file size, split/index), and with verify=True every checksum, id, mask value and the corpus fingerprint.
- `corpus_fingerprint`: the trainer's SHA-256 of a corpus (what trainer.json records and resume checks).
- `hash32`, `row_offset`, `sample_batch`, `eval_seed`, `dropout_seed`: the stateless sampler.
- `lr_at`: the learning rate of optimizer step s.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import zlib
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

MAGIC = 0x314D4C47  # the bytes "GLM1", little-endian
VERSION = 1
HEADER_BYTES = 1024
M32 = 0xFFFFFFFF
TWO_53 = 9007199254740992


class ShardError(ValueError):
    """A shard file or shard directory that cannot be used; the message names the file."""


# ---------------------------------------------------------------------------------------------- shard files


@dataclass
class ShardHeader:
    path: str
    bytes_per_id: int
    vocab_size: int
    count: int
    meta: dict


def read_shard_header(path: str, mask: bool = False) -> ShardHeader:
    """Reads and validates the 1,024-byte header of one shard (or loss-mask) file."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
    except OSError as e:
        raise ShardError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(head) < HEADER_BYTES:
        raise ShardError(f"{path}: truncated header ({len(head)} of {HEADER_BYTES} bytes)")
    magic, version, bpi, vocab = np.frombuffer(head, "<i4", 4, 0).tolist()
    lo, hi = np.frombuffer(head, "<u4", 2, 16).tolist()
    n_meta = int(np.frombuffer(head, "<i4", 1, 24)[0])
    if magic & M32 != MAGIC:
        raise ShardError(f"{path}: not a glyphlm shard (magic 0x{magic & M32:08x}, expected 0x{MAGIC:08x} 'GLM1')")
    if version != VERSION:
        raise ShardError(f"{path}: shard version {version}, this reader knows version {VERSION}")
    want_bpi = (1,) if mask else (2, 4)
    if bpi not in want_bpi:
        raise ShardError(f"{path}: bytes per id is {bpi}, expected {' or '.join(map(str, want_bpi))}")
    if vocab <= 0:
        raise ShardError(f"{path}: vocabSize must be positive, got {vocab}")
    if not mask and bpi != (2 if vocab <= 65536 else 4):
        raise ShardError(f"{path}: bytes per id {bpi} does not fit vocabSize {vocab} (2 when <= 65,536, else 4)")
    count = lo + hi * 2 ** 32
    if not (0 <= n_meta <= HEADER_BYTES - 32):
        raise ShardError(f"{path}: metadata length {n_meta} does not fit the {HEADER_BYTES}-byte header")
    try:
        meta = json.loads(head[32:32 + n_meta].decode("utf-8")) if n_meta else {}
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ShardError(f"{path}: header metadata is not valid UTF-8 JSON ({e})") from None
    if any(head[28:32]):
        raise ShardError(f"{path}: reserved header bytes 28..31 must be zero")
    if any(head[32 + n_meta:]):
        raise ShardError(f"{path}: header bytes after the metadata must be zero")
    want = HEADER_BYTES + count * bpi
    if size != want:
        raise ShardError(f"{path}: {size} bytes, but the header's {count} ids of {bpi} bytes need {want} "
                         f"({'truncated' if size < want else 'trailing bytes'})")
    return ShardHeader(path, bpi, vocab, count, meta if isinstance(meta, dict) else {})


def map_shard(h: ShardHeader) -> np.ndarray:
    """The ids (or mask bytes) of a validated shard, memory-mapped read-only."""
    dtype = {1: np.uint8, 2: np.dtype("<u2"), 4: np.dtype("<u4")}[h.bytes_per_id]
    if h.count == 0:
        return np.zeros(0, dtype)
    return np.memmap(h.path, dtype=dtype, mode="r", offset=HEADER_BYTES, shape=(h.count,))


class TokenStream:
    """One split: its shards concatenated in index order, without copying. len() and window(a, b) -> int64."""

    def __init__(self, parts: Sequence[np.ndarray], name: str):
        self.parts = [p for p in parts if len(p)]
        self.name = name
        self.starts = np.cumsum([0] + [len(p) for p in self.parts]).tolist()

    def __len__(self) -> int:
        return self.starts[-1]

    def window(self, a: int, b: int) -> np.ndarray:
        if not (0 <= a <= b <= len(self)):
            raise IndexError(f"{self.name}: window [{a}, {b}) outside [0, {len(self)})")
        out = np.empty(b - a, np.int64)
        i = max(0, int(np.searchsorted(self.starts, a, side="right")) - 1)
        pos = a
        while pos < b:
            s, e = self.starts[i], self.starts[i + 1]
            take = min(b, e) - pos
            out[pos - a:pos - a + take] = self.parts[i][pos - s:pos - s + take]
            pos += take
            i += 1
        return out


@dataclass
class ShardDir:
    path: str
    corpus: dict
    vocab_size: int
    train: TokenStream
    val: TokenStream
    train_mask: Optional[TokenStream] = None
    val_mask: Optional[TokenStream] = None
    files: Dict[str, List[str]] = field(default_factory=dict)

    @property
    def meta(self) -> dict:
        """The CorpusMeta part of corpus.json (nested under "meta" or at the top level)."""
        m = self.corpus.get("meta")
        return m if isinstance(m, dict) else self.corpus

    @property
    def fingerprint(self) -> Optional[str]:
        return self.meta.get("fingerprint")

    @property
    def tokenizer_fingerprint(self) -> Optional[str]:
        return self.meta.get("tokenizerFingerprint")


CORPUS_FORMAT = "glyphlm-corpus"
CHUNK = 1 << 24  # ids per chunk when streaming a shard through a checksum or hash


def _chunks(a: np.ndarray):
    for i in range(0, len(a), CHUNK):
        yield a[i:i + CHUNK]


def _crc32(a: np.ndarray) -> int:
    c = 0
    for part in _chunks(a):
        c = zlib.crc32(np.ascontiguousarray(part).view(np.uint8), c)
    return c & M32


def corpus_fingerprint(train: TokenStream, val: TokenStream, vocab_size: int,
                       train_mask: Optional[TokenStream] = None, val_mask: Optional[TokenStream] = None) -> str:
    """The trainer's corpus fingerprint: SHA-256 hex of a text header, train and val ids as the shard bodies store
    them (uint16 LE when vocab_size <= 65,536, else uint32 LE), then the masks (all ones for a split without one)
    when any split has a mask."""
    masks = train_mask is not None or val_mask is not None
    h = hashlib.sha256(f"glyphlm-corpus/1 vocab={vocab_size} train={len(train)} val={len(val)} "
                       f"masks={1 if masks else 0}\n".encode())
    dt = "<u2" if vocab_size <= 65536 else "<u4"  # the shard body encoding, as @glyphlm/trainer's fingerprint
    for s in (train, val):
        for p in s.parts:
            for c in _chunks(p):
                h.update(c.astype(dt).tobytes())
    if masks:
        for s, m in ((train, train_mask), (val, val_mask)):
            if m is None:
                h.update(np.ones(len(s), np.uint8).tobytes())
            else:
                for p in m.parts:
                    for c in _chunks(p):
                        h.update(np.ascontiguousarray(c).tobytes())
    return h.hexdigest()


def _check_shard(h: ShardHeader, split: str, index: int, count: int, fingerprint: Optional[str], kind: str,
                 verify: bool) -> np.ndarray:
    """The mapped values of one listed shard after its header metadata, checksum and values are checked."""
    want = {"kind": kind, "split": split, "index": index, "count": count, "corpusFingerprint": fingerprint}
    for k, v in want.items():
        if k in h.meta and v is not None and h.meta[k] != v:
            raise ShardError(f"{h.path}: meta.{k} is {h.meta[k]!r}, expected {v!r} (a shard from another corpus "
                             f"or position?)")
    values = map_shard(h)
    if verify:
        if isinstance(h.meta.get("crc32"), int) and _crc32(values) != h.meta["crc32"]:
            raise ShardError(f"{h.path}: body checksum {_crc32(values)} does not match the header's crc32 "
                             f"{h.meta['crc32']} (corrupt file)")
        limit = 2 if kind == "mask" else h.vocab_size
        for start in range(0, len(values), CHUNK):
            part = values[start:start + CHUNK]
            if len(part) and int(part.max()) >= limit:
                bad = start + int(np.argmax(part >= limit))
                what = "mask value" if kind == "mask" else "id"
                raise ShardError(f"{h.path}: {what} {int(values[bad])} at position {bad} is outside "
                                 f"{'{0, 1}' if kind == 'mask' else f'the vocabulary [0, {limit})'}")
    return values


def open_shards(path: str, verify: bool = True) -> ShardDir:
    """Opens a shard directory written by the trainer's writeShards: corpus.json (format, vocabSize, meta, the
    shard list) and every listed shard and mask, each header checked against the list (token count, vocabulary,
    split, index). With `verify` (default) also every body checksum, every id < vocabSize, mask values 0/1 and
    the corpus fingerprint recomputed from the contents. Raises ShardError naming the file (and field) at fault."""
    if not os.path.isdir(path):
        raise ShardError(f"{path}: not a directory of shards")
    cpath = os.path.join(path, "corpus.json")
    try:
        with open(cpath, encoding="utf-8") as f:
            corpus = json.load(f)
    except OSError as e:
        raise ShardError(f"{cpath}: cannot read ({e.strerror or e})") from None
    except json.JSONDecodeError as e:
        raise ShardError(f"{cpath}: not valid JSON ({e})") from None
    if not isinstance(corpus, dict) or corpus.get("format") != CORPUS_FORMAT or corpus.get("version") != 1:
        raise ShardError(f"{cpath}: format/version must be {CORPUS_FORMAT!r}/1")
    vocab = corpus.get("vocabSize")
    if not isinstance(vocab, int) or vocab < 1:
        raise ShardError(f"{cpath}: vocabSize must be a positive integer, got {vocab!r}")
    meta = corpus.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("fingerprint"), str):
        raise ShardError(f"{cpath}: meta.fingerprint missing")
    fp = meta["fingerprint"]
    shards = corpus.get("shards")
    if not isinstance(shards, dict):
        raise ShardError(f"{cpath}: shards must be {{train: [...], val: [...]}}")
    files: Dict[str, List[str]] = {}
    streams: Dict[str, Optional[TokenStream]] = {}
    has_masks = None
    for split in ("train", "val"):
        entries = shards.get(split)
        if not isinstance(entries, list) or not entries:
            raise ShardError(f"{cpath}: shards.{split} must be a non-empty list")
        ids, masks = [], []
        for k, e in enumerate(entries):
            where = f"{cpath}: shards.{split}[{k}]"
            if not isinstance(e, dict) or not isinstance(e.get("file"), str) or not isinstance(e.get("tokens"), int) \
                    or e["tokens"] < 0:
                raise ShardError(f"{where} needs a file name and a token count, got {e!r}")
            for key in ("file", "mask"):
                if isinstance(e.get(key), str) and ("/" in e[key] or "\\" in e[key] or e[key] in ("", ".", "..")):
                    raise ShardError(f"{where}.{key}: {e[key]!r} must be a plain file name")
            mask = isinstance(e.get("mask"), str)
            if has_masks is None:
                has_masks = mask
            elif has_masks != mask:
                raise ShardError(f"{where}.mask: some shards have masks and some do not")
            for key, kind, out in (("file", "ids", ids), ("mask", "mask", masks)):
                if key == "mask" and not mask:
                    continue
                p = os.path.join(path, e[key])
                h = read_shard_header(p, mask=kind == "mask")
                if h.vocab_size != vocab:
                    raise ShardError(f"{p}: vocabSize {h.vocab_size}, but {cpath} says {vocab}")
                if h.count != e["tokens"]:
                    raise ShardError(f"{p}: {h.count} tokens, but {where} lists {e['tokens']}")
                out.append(_check_shard(h, split, k, len(entries), fp, kind, verify))
                files.setdefault(split + ("Mask" if kind == "mask" else ""), []).append(p)
        streams[split] = TokenStream(ids, f"{split} split of {path}")
        streams[split + "Mask"] = TokenStream(masks, f"{split} mask of {path}") if has_masks else None
    d = ShardDir(path, corpus, vocab, streams["train"], streams["val"], streams["trainMask"], streams["valMask"], files)
    tokens = meta.get("tokens")
    if isinstance(tokens, dict):
        for split, s in (("train", d.train), ("val", d.val)):
            if isinstance(tokens.get(split), int) and tokens[split] != len(s):
                raise ShardError(f"{cpath}: meta.tokens.{split} = {tokens[split]}, but the {split} shards hold {len(s)}")
    if verify:
        got = corpus_fingerprint(d.train, d.val, vocab, d.train_mask, d.val_mask)
        if got != fp:
            raise ShardError(f"{cpath}: meta.fingerprint {fp} does not match the shards' contents ({got})")
    return d


# ---------------------------------------------------------------------------------------------- the sampler


def hash32(x: int) -> int:
    """lowbias32 on uint32 (the trainer's hash32)."""
    x &= M32
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def batch_key(seed: int, batch_index: int) -> int:
    return hash32(hash32((seed & M32) ^ 0x9E3779B9) ^ (batch_index & M32))


def _offset(k: int, row: int, n: int, T: int) -> int:
    a = hash32(k ^ (2 * row))
    b = hash32(k ^ (2 * row + 1))
    u = (a * 2097152 + (b >> 11)) / TWO_53  # exact: an integer < 2^53 over a power of two
    return math.floor(u * (n - T))  # one IEEE double product, as in JavaScript


def _check_length(n: int, T: int, name: str) -> None:
    if n < T + 1:
        raise ValueError(f"{name} has {n} tokens; one block of {T} needs at least {T + 1}")


def row_offset(seed: int, batch_index: int, row: int, n: int, T: int) -> int:
    """Start of row `row` of batch `batch_index` in a split of n tokens, block size T (0 <= result < n - T)."""
    _check_length(n, T, "split")
    return _offset(batch_key(seed, batch_index), row, n, T)


def _window(x, a: int, b: int) -> np.ndarray:
    if isinstance(x, TokenStream):
        return x.window(a, b)
    return np.asarray(x[a:b], dtype=np.int64)


def sample_batch(split, mask, seed: int, batch_index: int, batch_size: int, block_size: int,
                 rows: Optional[range] = None, name: str = "split") -> Tuple[np.ndarray, np.ndarray]:
    """(ids, targets), int64 [len(rows), T]: row r reads split[o .. o+T) and targets split[o+1 .. o+T+1), a
    target whose mask entry is 0 becoming -1. `split`/`mask`: TokenStream or 1-D array (mask may be None).
    `rows` (default all of 0..batch_size-1) selects a contiguous block, as one data-parallel rank needs."""
    for k, v in (("batch_size", batch_size), ("block_size", block_size)):
        if not isinstance(v, int) or v < 1:
            raise ValueError(f"sample_batch: {k} must be a positive integer, got {v!r}")
    if not isinstance(batch_index, int) or batch_index < 0:
        raise ValueError(f"sample_batch: batch_index must be a non-negative integer, got {batch_index!r}")
    n, T = len(split), block_size
    _check_length(n, T, name)
    if mask is not None and len(mask) != n:
        raise ValueError(f"sample_batch: {name} mask has {len(mask)} entries for {n} tokens")
    rows = range(batch_size) if rows is None else rows
    k = batch_key(seed, batch_index)
    ids = np.empty((len(rows), T), np.int64)
    targets = np.empty((len(rows), T), np.int64)
    for i, r in enumerate(rows):
        o = _offset(k, r, n, T)
        w = _window(split, o, o + T + 1)
        ids[i] = w[:-1]
        targets[i] = w[1:]
        if mask is not None:
            targets[i][_window(mask, o + 1, o + T + 1) == 0] = -1
    return ids, targets


def eval_seed(seed: int) -> int:
    return ((seed & M32) ^ 0x5BD1E995) & M32


def dropout_seed(seed: int, step: int, k: int, grad_accum_steps: int) -> int:
    return hash32(hash32((seed & M32) ^ 0x27D4EB2F) ^ ((step * grad_accum_steps + k) & M32))


def rank_rows(batch_size: int, rank: int, world: int) -> range:
    """The contiguous block of a micro-batch's rows that data-parallel rank `rank` of `world` takes (the first
    batch_size % world ranks take one row more); may be empty when batch_size < world."""
    q, r = divmod(batch_size, world)
    start = rank * q + min(rank, r)
    return range(start, start + q + (1 if rank < r else 0))


# ---------------------------------------------------------------------------------------------- the schedule


def lr_at(step: int, lr: float, min_lr: float, warmup_steps: int, steps: int) -> float:
    """Learning rate of optimizer step `step` (0-based) of a `steps`-step run: linear warmup over warmup_steps,
    then cosine decay from lr to min_lr."""
    if step < warmup_steps:
        return lr * (step + 1) / warmup_steps
    ratio = (step - warmup_steps) / max(1, steps - warmup_steps)
    return min_lr + 0.5 * (1 + math.cos(math.pi * ratio)) * (lr - min_lr)
