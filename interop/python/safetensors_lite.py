"""Minimal, dependency-light safetensors reader/writer (numpy; torch optional for BF16 and torch tensors).

The format: [u64 LE header length N][N bytes UTF-8 JSON header][data]. The header maps tensor names to
{"dtype", "shape", "data_offsets": [begin, end]} (offsets into the data section) plus an optional
"__metadata__" str->str map. This is an independent implementation from the TypeScript one in
packages/tensor-io, used to cross-check it and to read/write glyphlm checkpoints without the `safetensors`
PyPI package.
"""
from __future__ import annotations

import json
import os
import struct
import tempfile
from typing import Dict, Mapping, Optional, Tuple

import numpy as np

ITEMSIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1,
            "U8": 1, "U16": 2, "U32": 4, "BOOL": 1}
# numpy dtype holding each safetensors dtype's raw elements (BF16: its uint16 bit patterns)
NP_DTYPE = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I64": "<i8", "I32": "<i4", "I16": "<i2",
            "I8": "i1", "U8": "u1", "U16": "<u2", "U32": "<u4", "BOOL": "?"}
MAX_HEADER = 100_000_000


class SafetensorsError(ValueError):
    pass


def _torch_dtypes():
    import torch
    return {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
            "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
            "BOOL": torch.bool}


def parse(buf: bytes, source: str = "bytes") -> Tuple[Dict[str, str], Dict[str, Tuple[str, Tuple[int, ...], memoryview]]]:
    """Validates and splits a whole file: (metadata, {name: (dtype, shape, raw little-endian bytes)})."""
    mv = memoryview(buf)
    if len(buf) < 8:
        raise SafetensorsError(f"{source}: file shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", bytes(mv[:8]))
    if n > MAX_HEADER or 8 + n > len(buf):
        raise SafetensorsError(f"{source}: header length {n} runs past the end of the file ({len(buf)} bytes)")
    try:
        header = json.loads(bytes(mv[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SafetensorsError(f"{source}: header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise SafetensorsError(f"{source}: header is not a JSON object")
    meta = header.pop("__metadata__", {}) or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise SafetensorsError(f"{source}: __metadata__ is not a str->str object")
    data = mv[8 + n:]
    entries = []
    for name, e in header.items():
        dt = e.get("dtype") if isinstance(e, dict) else None
        if dt not in ITEMSIZE:
            raise SafetensorsError(f"{source}: {name}.dtype: unknown dtype {dt!r}")
        shape, offs = e.get("shape"), e.get("data_offsets")
        if not isinstance(shape, list) or not isinstance(offs, list) or len(offs) != 2:
            raise SafetensorsError(f"{source}: {name}: shape must be a list and data_offsets [begin, end]")
        shape = tuple(shape)
        b, end = offs
        if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in shape + (b, end)) or end < b:
            raise SafetensorsError(f"{source}: {name}: bad shape or data_offsets")
        if int(np.prod(shape, dtype=np.int64)) * ITEMSIZE[dt] != end - b:
            raise SafetensorsError(f"{source}: {name}: shape {list(shape)} does not match {end - b} bytes")
        entries.append((b, end, name, dt, shape))
    entries.sort()
    pos = 0
    out = {}
    for b, end, name, dt, shape in entries:
        if b != pos:
            raise SafetensorsError(f"{source}: {name}: data_offsets [{b}, {end}] overlap or leave a gap at {pos}")
        pos = end
        out[name] = (dt, shape, data[b:end])
    if pos != len(data):
        raise SafetensorsError(f"{source}: tensors cover {pos} bytes but the data section has {len(data)}")
    return dict(meta), out


def _raw_to_numpy(dt: str, shape, raw) -> np.ndarray:
    return np.frombuffer(raw, dtype=NP_DTYPE[dt]).reshape(shape)


def load_numpy(path: str) -> Tuple[Dict[str, str], Dict[str, Tuple[str, np.ndarray]]]:
    """(metadata, {name: (dtype, array)}); BF16 arrays are uint16 bit patterns (see bf16_bits_to_f32)."""
    with open(path, "rb") as f:
        buf = f.read()
    meta, ents = parse(buf, path)
    return meta, {k: (dt, _raw_to_numpy(dt, shape, raw).copy()) for k, (dt, shape, raw) in ents.items()}


def load_torch(path: str):
    """(metadata, {name: torch.Tensor}) with the file's exact dtypes (U16/U32 need torch>=2.3: rejected)."""
    import torch
    tdt = _torch_dtypes()
    with open(path, "rb") as f:
        buf = f.read()
    meta, ents = parse(buf, path)
    out = {}
    for k, (dt, shape, raw) in ents.items():
        if dt not in tdt:
            raise SafetensorsError(f"{path}: {k}: dtype {dt} has no torch dtype in this torch version")
        if len(raw) == 0:
            out[k] = torch.empty(shape, dtype=tdt[dt])
        else:
            out[k] = torch.frombuffer(bytearray(raw), dtype=tdt[dt]).reshape(shape).clone()
    return meta, out


def bf16_bits_to_f32(u: np.ndarray) -> np.ndarray:
    return (u.astype(np.uint32) << 16).view(np.float32)


def _to_raw(v) -> Tuple[str, Tuple[int, ...], bytes]:
    try:
        import torch
        if isinstance(v, torch.Tensor):
            rev = {t: s for s, t in _torch_dtypes().items()}
            if v.dtype not in rev:
                raise SafetensorsError(f"unsupported torch dtype {v.dtype}")
            dt = rev[v.dtype]
            t = v.detach().contiguous().cpu()
            shape = tuple(t.shape)
            if dt == "BF16":
                t = t.view(torch.int16)
            arr = t.numpy()
            return dt, shape, arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    except ImportError:
        pass
    if isinstance(v, tuple):  # ("BF16", uint16 array) for numpy callers
        dt, arr = v
        arr = np.asarray(arr, dtype=NP_DTYPE[dt])
        return dt, arr.shape, arr.tobytes(order="C")
    arr = np.asarray(v)  # (np.ascontiguousarray would turn a 0-d array into shape (1,))
    rev = {np.dtype(s).str if s != "?" else "|b1": d for d, s in NP_DTYPE.items() if d != "BF16"}
    key = arr.dtype.newbyteorder("<").str if arr.dtype.itemsize > 1 else arr.dtype.str
    if key not in rev:
        raise SafetensorsError(f"unsupported numpy dtype {arr.dtype}")
    return rev[key], arr.shape, arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes(order="C")


def dumps(tensors: Mapping[str, object], metadata: Optional[Mapping[str, str]] = None) -> bytes:
    """Serialises {name: torch tensor | numpy array | (dtype, numpy array)} in the reference layout:
    sorted by (item size descending, name), header space-padded to a multiple of 8."""
    items = [(k,) + _to_raw(v) for k, v in tensors.items()]
    items.sort(key=lambda it: (-ITEMSIZE[it[1]], it[0]))
    header: Dict[str, object] = {}
    if metadata:
        header["__metadata__"] = dict(metadata)
    pos = 0
    for name, dt, shape, raw in items:
        header[name] = {"dtype": dt, "shape": list(shape), "data_offsets": [pos, pos + len(raw)]}
        pos += len(raw)
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    return struct.pack("<Q", len(hb)) + hb + b"".join(raw for _, _, _, raw in items)


def save(tensors: Mapping[str, object], path: str, metadata: Optional[Mapping[str, str]] = None) -> None:
    """dumps() to a temp file in the same directory, then rename."""
    write_atomic(path, dumps(tensors, metadata))


def write_atomic(path: str, data: bytes) -> None:
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=os.path.basename(path))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file ordinary permissions
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
