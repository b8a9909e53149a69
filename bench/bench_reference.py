"""Time the NumPy reference against torch CPU in the same process and print the ratios, then the peak
memory of one large conv, each side in a fresh subprocess.

Targets: pooling <= 3x torch (issue 2), conv <= 1.5x torch at the same precision (issue 14). Run:
python bench/bench_reference.py

The reference accumulates a float32 conv in float64 (the spec's oracle: the error bounds assume it), while
torch's float32 conv runs float32 FMAs near the cores' peak. A float64 GEMM runs at half the float32 rate,
so on float32 input no float64 conv, however written, comes within 2x of torch: that row is shown, not
judged. The target applies where both sides do the same arithmetic, float64 input.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import timeit
from importlib import import_module

import numpy as np
import torch
import torch.nn.functional as F

import reference as R

TARGET = {"pool": 3.0, "conv": 1.5, "conv float64 vs float32": None}
PEAK_BATCHES = (8, 64)  # the reference's extra memory must not grow with the batch
MIB = 1 << 20


def cases(rng):
    x = rng.standard_normal((8, 64, 56, 56), dtype=np.float32)
    w = rng.standard_normal((64, 64, 3, 3), dtype=np.float32)
    x3 = rng.standard_normal((2, 16, 24, 24, 24), dtype=np.float32)
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    tx, tw, tx3 = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(x3)
    tx64, tw64 = torch.from_numpy(x64), torch.from_numpy(w64)
    yield ("max_pool k2", "pool", lambda: R.max_pool(x, 2), lambda: F.max_pool2d(tx, 2))
    yield ("max_pool k3 s2 p1", "pool",
           lambda: R.max_pool(x, 3, 2, 1), lambda: F.max_pool2d(tx, 3, 2, 1))
    yield ("avg_pool k3 s2 p1", "pool",
           lambda: R.avg_pool(x, 3, 2, 1), lambda: F.avg_pool2d(tx, 3, 2, 1))
    yield ("conv 3x3 64->64 p1 float32", "conv float64 vs float32",
           lambda: R.conv(x, w, padding=1), lambda: F.conv2d(tx, tw, padding=1))
    yield ("conv 3x3 64->64 p1 float64", "conv",
           lambda: R.conv(x64, w64, padding=1), lambda: F.conv2d(tx64, tw64, padding=1))
    yield ("max_pool 3-D k2 (2,16,24,24,24)", "pool", lambda: R.max_pool(x3, 2), lambda: F.max_pool3d(tx3, 2))


def best_of(fn, repeat):
    fn()  # warm-up: first-call allocation and torch's kernel selection
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def status_kib(field):
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def peak_child(side, n):
    """In this fresh process: how far the peak resident memory rises over conv of a (n, 64, 56, 56) float32
    input with a 3x3 64->64 weight, padding 1, inputs made beforehand. Prints MiB. Linux only: getrusage's
    ru_maxrss would start at the parent's size (exec keeps it), so the peak is reset and read in /proc."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 64, 56, 56), dtype=np.float32)
    w = rng.standard_normal((64, 64, 3, 3), dtype=np.float32)
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # the peak (VmHWM) restarts from the resident size now
    before = status_kib("VmRSS")
    y = R.conv(x, w, padding=1) if side == "reference" else F.conv2d(tx, tw, padding=1)
    assert y.shape == (n, 64, 56, 56)
    print((status_kib("VmHWM") - before) * 1024 / MIB)


def peak_mib(side, n):
    # a fresh process each: memory that the other side or an earlier call left in an allocator's cache
    # would hide part of the rise
    done = subprocess.run([sys.executable, os.path.abspath(__file__), "--peak", side, str(n)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def report_peaks():
    budget = import_module("reference.conv").COLUMN_BUDGET / MIB
    print(f"\npeak memory rise during conv 3x3 64->64 p1 of (N, 64, 56, 56) float32, a fresh process each, "
          f"output included; reference im2col budget {budget:.0f} MiB")
    print(f"{'N':>4} {'in/out MiB':>10} {'reference MiB':>14} {'torch MiB':>10} {'reference - output':>19}")
    for n in PEAK_BATCHES:
        size = n * 64 * 56 * 56 * 4 / MIB
        ref, tor = peak_mib("reference", n), peak_mib("torch", n)
        print(f"{n:4} {size:10.1f} {ref:14.1f} {tor:10.1f} {ref - size:19.1f}")


def blas_line():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        name = f"{blas['name']} {blas['version']}"
    except (TypeError, KeyError):  # numpy < 1.25 has no mode="dicts"
        name = "unknown"
    # OpenBLAS takes one thread per core unless told otherwise; the ratios compare like with like only
    # when both sides use as many threads
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or os.cpu_count()
    return f"numpy BLAS {name} (threads {threads}), torch threads {torch.get_num_threads()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--peak", nargs=2, metavar=("SIDE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak:
        return peak_child(args.peak[0], int(args.peak[1]))
    print(f"numpy {np.__version__}, torch {torch.__version__}; {blas_line()}")
    print(f"{'case':34} {'reference ms':>12} {'torch ms':>9} {'ratio':>6} {'target':>6}")
    over = []
    for name, kind, ref_fn, torch_fn in cases(np.random.default_rng(0)):
        # timing the wrong computation would make the ratio meaningless
        got, want = ref_fn(), torch_fn().numpy()
        if got.shape != want.shape or not np.allclose(got, want, rtol=1e-4, atol=1e-4):
            raise SystemExit(f"{name}: reference and torch disagree; fix that before timing")
        ref_t, torch_t = best_of(ref_fn, args.repeat), best_of(torch_fn, args.repeat)
        ratio, target = ref_t / torch_t, TARGET[kind]
        flag = "" if target is None or ratio <= target else "  OVER"
        over += [name] if flag else []
        shown = "  (floor 2: float64 sums)" if target is None else f"{target:6.1f}{flag}"
        print(f"{name:34} {ref_t * 1e3:12.2f} {torch_t * 1e3:9.2f} {ratio:6.2f} {shown}")
    print("all within target" if not over else f"over target: {', '.join(over)}")
    report_peaks()


if __name__ == "__main__":
    main()
