"""Time the NumPy reference against torch CPU in the same process and print the ratios.

Targets (issue 2): pooling <= 3x torch, conv <= 5x torch. Run: python bench/bench_reference.py
"""

from __future__ import annotations

import argparse
import timeit

import numpy as np
import torch
import torch.nn.functional as F

import reference as R

TARGET = {"pool": 3.0, "conv": 5.0}


def cases(rng):
    x = rng.standard_normal((8, 64, 56, 56), dtype=np.float32)
    w = rng.standard_normal((64, 64, 3, 3), dtype=np.float32)
    x3 = rng.standard_normal((2, 16, 24, 24, 24), dtype=np.float32)
    tx, tw, tx3 = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(x3)
    yield ("max_pool k2", "pool", lambda: R.max_pool(x, 2), lambda: F.max_pool2d(tx, 2))
    yield ("max_pool k3 s2 p1", "pool",
           lambda: R.max_pool(x, 3, 2, 1), lambda: F.max_pool2d(tx, 3, 2, 1))
    yield ("avg_pool k3 s2 p1", "pool",
           lambda: R.avg_pool(x, 3, 2, 1), lambda: F.avg_pool2d(tx, 3, 2, 1))
    yield ("conv 3x3 64->64 p1", "conv",
           lambda: R.conv(x, w, padding=1), lambda: F.conv2d(tx, tw, padding=1))
    yield ("max_pool 3-D k2 (2,16,24,24,24)", "pool", lambda: R.max_pool(x3, 2), lambda: F.max_pool3d(tx3, 2))


def best_of(fn, repeat):
    fn()  # warm-up: first-call allocation and torch's kernel selection
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"numpy {np.__version__}, torch {torch.__version__}, torch threads {torch.get_num_threads()}")
    print(f"{'case':34} {'reference ms':>12} {'torch ms':>9} {'ratio':>6} {'target':>6}")
    over = []
    for name, kind, ref_fn, torch_fn in cases(np.random.default_rng(0)):
        # timing the wrong computation would make the ratio meaningless
        got, want = ref_fn(), torch_fn().numpy()
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=1e-4):
            raise SystemExit(f"{name}: reference and torch disagree; fix that before timing")
        ref_t, torch_t = best_of(ref_fn, args.repeat), best_of(torch_fn, args.repeat)
        ratio = ref_t / torch_t
        flag = "" if ratio <= TARGET[kind] else "  OVER"
        over += [name] if flag else []
        print(f"{name:34} {ref_t * 1e3:12.2f} {torch_t * 1e3:9.2f} {ratio:6.2f} {TARGET[kind]:6.1f}{flag}")
    print("all within target" if not over else f"over target: {', '.join(over)}")


if __name__ == "__main__":
    main()
