"""Work-arounds for Debian bookworm's PyTorch 1.13 under Python 3.11 (both bugs are fixed in torch >= 2.0;
on other installations these functions do nothing).

1. `import torch.distributed.fsdp` fails: `ValueError: mutable default <class '...TensorProperties'> for field
   tensor_properties is not allowed: use default_factory` (Python 3.11 dataclasses reject unhashable defaults).
   `import_fsdp()` retries the import with such defaults turned into an equivalent `default_factory`.
2. `torchrun` crashes with `AttributeError: 'NoneType' object has no attribute 'get'` because Python 3.11's
   Flag iteration skips `Std.NONE`/`Std.ALL`. `patch_torchrun()` fixes `Std.from_str`; torchrun_compat.py uses it.
"""
from __future__ import annotations

import dataclasses
import sys


def import_fsdp():
    """Returns the torch.distributed.fsdp module."""
    try:
        import torch.distributed.fsdp as fsdp
        return fsdp
    except ValueError as e:
        if "mutable default" not in str(e):
            raise
    import torch
    for name in list(sys.modules):  # drop the half-imported modules
        if name.startswith("torch.distributed.fsdp") or name.startswith("torch.distributed._shard"):
            del sys.modules[name]
    orig = dataclasses._get_field

    def get_field(cls, a_name, a_type, *rest):
        # Python < 3.11 accepted any non-list/dict/set default and shared it between instances; keep exactly
        # that (shared object), but through a default_factory so 3.11's hashability check passes.
        default = cls.__dict__.get(a_name, dataclasses.MISSING)
        if isinstance(default, dataclasses.Field):
            d = default.default
            if d is not dataclasses.MISSING and d.__class__.__hash__ is None:
                default.default = dataclasses.MISSING
                default.default_factory = lambda d=d: d
        elif default is not dataclasses.MISSING and default.__class__.__hash__ is None \
                and not isinstance(default, (list, dict, set)):
            setattr(cls, a_name, dataclasses.field(default_factory=lambda d=default: d))
        return orig(cls, a_name, a_type, *rest)

    dataclasses._get_field = get_field
    try:
        import torch.distributed.fsdp as fsdp
    finally:
        dataclasses._get_field = orig
    return fsdp


def patch_torchrun() -> None:
    import re
    from torch.distributed.elastic.multiprocessing import api

    Std = api.Std
    if all(Std.from_str(v) is not None for v in ("0", "3")):
        return

    def from_str(vm: str):
        if re.match(api._VALUE_REGEX, vm):
            return Std(int(vm))
        if re.match(api._MAPPING_REGEX, vm):
            return {int(i): Std(int(v)) for i, v in (m.split(":") for m in vm.split(","))}
        raise ValueError(f"{vm} does not match: <{api._VALUE_REGEX}> or <{api._MAPPING_REGEX}>")

    Std.from_str = classmethod(lambda cls, vm: from_str(vm))
