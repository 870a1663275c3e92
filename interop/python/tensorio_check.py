"""Cross-checks for @glyphlm/tensor-io (driven by packages/tensor-io/src/python-parity.test.ts).

  describe FILE OUTDIR ...  (pairs) read FILE with safetensors_lite (torch dtypes where torch has them), write each
                            tensor as OUTDIR/<i>.npy (BF16 as exact float32) and OUTDIR/manifest.json
  make SEED FILE OUTDIR ... (triples) write random tensors of every dtype to FILE, and the same as .npy references
  halves IN.npy OUTDIR      float32 .npy -> torch's float16 and bfloat16 bit patterns (f16.npy, bf16.npy, uint16)
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_lite as st  # noqa: E402


def describe(path, outdir):
    import torch
    meta, ents = st.load_numpy(path)
    man = {"metadata": meta, "tensors": {}}
    for i, (name, (dt, arr)) in enumerate(ents.items()):
        if dt == "BF16":
            arr = torch.from_numpy(arr.view(np.int16).copy()).view(torch.bfloat16).float().numpy()
        np.save(os.path.join(outdir, f"{i}.npy"), arr)
        man["tensors"][name] = {"dtype": dt, "shape": list(arr.shape), "npy": f"{i}.npy"}
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(man, f)


def make(seed, path, outdir):
    import torch
    rng = np.random.default_rng(seed)
    tensors = {}
    refs = {}
    for i, dt in enumerate(st.ITEMSIZE):
        nd = int(rng.integers(0, 4))
        shape = tuple(int(rng.integers(0, 6)) for _ in range(nd))
        name = f"t{i}.{dt.lower()}/w"
        if dt in ("F64", "F32", "F16"):
            a = np.asarray(rng.standard_normal(shape) * 10 ** rng.uniform(-6, 4)).astype(st.NP_DTYPE[dt])
            tensors[name] = a
            refs[name] = a
        elif dt == "BF16":
            t = torch.from_numpy(np.asarray(rng.standard_normal(shape) * 100, dtype=np.float32)).to(torch.bfloat16)
            tensors[name] = t
            refs[name] = t.float().numpy()
        elif dt == "BOOL":
            a = np.asarray(rng.integers(0, 2, shape)).astype(bool)
            tensors[name] = a
            refs[name] = a
        else:
            info = np.iinfo(np.dtype(st.NP_DTYPE[dt]))
            a = np.asarray(rng.integers(info.min, info.max, shape, dtype=np.dtype(st.NP_DTYPE[dt]), endpoint=True))
            tensors[name] = a
            refs[name] = a
    st.save(tensors, path, {"seed": str(seed), "writer": "safetensors_lite.py"})
    man = {"tensors": {}}
    for i, (name, a) in enumerate(refs.items()):
        np.save(os.path.join(outdir, f"{i}.npy"), a)
        man["tensors"][name] = {"npy": f"{i}.npy"}
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(man, f)


def halves(inp, outdir):
    import torch
    a = np.load(inp)
    assert a.dtype == np.float32, a.dtype
    t = torch.from_numpy(a)
    np.save(os.path.join(outdir, "f16.npy"), t.to(torch.float16).view(torch.int16).numpy().view(np.uint16))
    np.save(os.path.join(outdir, "bf16.npy"), t.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16))


if __name__ == "__main__":
    cmd, *args = sys.argv[1:]
    if cmd == "describe":
        for i in range(0, len(args), 2):
            describe(args[i], args[i + 1])
    elif cmd == "make":
        for i in range(0, len(args), 3):
            make(int(args[i]), args[i + 1], args[i + 2])
    elif cmd == "halves":
        halves(*args)
    else:
        sys.exit(f"unknown command {cmd}")
