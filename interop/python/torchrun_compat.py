#!/usr/bin/env python3
"""`torchrun` with the Debian torch 1.13 / Python 3.11 fix of torch_compat.patch_torchrun; same arguments:

  python3 interop/python/torchrun_compat.py --standalone --nproc_per_node=2 interop/python/train_fsdp.py ...
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_compat import patch_torchrun  # noqa: E402

if __name__ == "__main__":
    patch_torchrun()
    from torch.distributed.run import main
    main()
