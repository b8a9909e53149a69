"""What ONNX's reference evaluator (onnx 1.23, `onnx.reference`) computes for MaxPool, AveragePool and
LpPool, restated from its source as rules, so that its divergences get exact predictions.

It has three pooling code paths, each with its own geometry:
- MaxPool with every stride and dilation 1 (`_op_common_pool.CommonPool`): explicit pads count as
  auto_pad VALID; 2-D pads are unpacked as (top, bottom, left, right) from ONNX's (x1_begin, x2_begin,
  x1_end, x2_end); 1-D and 3-D pads are not applied at all, only their head pads widen the loop; padding is
  NaN and each window's max is over its non-NaN values.
- MaxPool otherwise (`op_max_pool.MaxPool._max_pool`): the window's first cell, replaced by greater ones;
  SAME_LOWER counts floor(n/s) outputs and puts the odd pad after, as SAME_UPPER does.
- AveragePool and LpPool (`op_pool_common.CommonPool`): SAME and VALID size their pads and outputs with
  the undilated kernel; a ceil-mode overhang of two cells or more is padded half before the input, which
  shifts every window; LpPool is the average of |x|^p (padding counted) times prod(kernel).

`evaluate(case)` returns the outcome: the values, or the failure the evaluator raises.
"""

from __future__ import annotations

from typing import Any

import itertools
import math
from dataclasses import dataclass
from math import prod

import numpy as np

from ..cases import Case

SOURCE = "https://github.com/onnx/onnx/blob/v1.23.0/onnx/reference/ops/"
AUTO = ("valid", "same", "same_lower")


@dataclass(frozen=True)
class Outcome:
    """The evaluator's answer: `values` (float64, channels-first), or `raises`, the failure's name."""

    values: np.ndarray | None = None
    raises: str | None = None


def _index(*parts: Any) -> Any:
    """A numpy index from parts (Ellipsis, slices, np.ix_ arrays)."""
    return tuple(parts)


def _raised(name: str) -> Outcome:
    return Outcome(raises=name)


def _explicit_pairs(case: Case) -> tuple[tuple[int, int], ...]:
    return tuple(case.pads)


# --- MaxPool, strides and dilations all 1 (_op_common_pool.CommonPool) -------------------------------------


def _max_unit_stride(case: Case) -> Outcome:
    x, r = case.x, case.rank
    k = case.kernel
    if case.padding in ("same", "same_lower") and r != 2:
        return _raised("same-not-2d")  # pad_shape[1] of a 1-D input; a 4-entry pad width for 3-D
    if r == 2 and x.dtype.kind == "i":
        return _raised("nan-into-int")  # np.pad fills with NaN, even zero widths (uint8 casts it to 0)
    fill = 0.0 if x.dtype.kind == "u" else np.nan
    if case.padding in ("same", "same_lower"):
        total = [kk - 1 for kk in k]
        lower = case.padding == "same_lower"
        pairs = [(t - t // 2, t // 2) if lower else (t // 2, t - t // 2) for t in total]
        padded = np.pad(x.astype(np.float64), [(0, 0), (0, 0), *pairs], constant_values=fill)
        out = list(x.shape[2:])
        loop = out
    else:
        flat = [] if case.padding == "valid" else [b for b, _ in case.pads] + [a for _, a in case.pads]
        if not flat:
            flat = [0] * 2 * r
        if r == 2:
            top, bottom, left, right = flat
            padded = np.pad(x.astype(np.float64), [(0, 0), (0, 0), (top, bottom), (left, right)],
                            constant_values=fill)
            pad_shape = [top + bottom, left + right]
            sizes = list(padded.shape[2:])
        else:
            padded = x.astype(np.float64)
            pad_shape = flat[:r]  # the head pads, read as per-dim totals
            sizes = list(x.shape[2:])
        if case.ceil_mode:
            out = [n + p - kk + 1 for n, p, kk in zip(sizes, pad_shape, k)]
        else:
            out = [n - kk + 1 for n, kk in zip(sizes, k)]
        if min(out) <= 0:
            return _raised("output-not-positive")
        loop = [n + p - kk + 1 for n, p, kk in zip(x.shape[2:], pad_shape, k)]
    y = np.zeros((*x.shape[:2], *out))
    # in the evaluator's order: batch, channel, then the windows; a window's max before its store
    for n_c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for index in itertools.product(*(range(lo) for lo in loop)):
            taps = [[t for t in range(o, o + kk) if t < n] for o, kk, n in zip(index, k, padded.shape[2:])]
            cells = padded[_index(*n_c, *np.ix_(*taps))].ravel()
            cells = cells[~np.isnan(cells)]
            if cells.size == 0:
                return _raised("max-of-nothing")  # np.max of an empty array
            if any(o >= size for o, size in zip(index, out)):
                return _raised("index-out-of-bounds")  # the loop writes past y
            y[_index(*n_c, *index)] = cells.max()
    return Outcome(values=y)


# --- MaxPool with a stride or dilation (op_max_pool.MaxPool._max_pool) -------------------------------------


def _max_strided(case: Case) -> Outcome:
    x = case.x.astype(np.float64)
    k, s, d = case.kernel, case.strides, case.dilations
    dims = []
    for n, kk, ss, dd, (b, a) in zip(case.shape[2:], k, s, d, _padding_or_zero(case)):
        eff = dd * (kk - 1) + 1
        if case.padding in ("same", "same_lower"):
            out = math.ceil(n / ss) if case.padding == "same" else n // ss
            total = (out - 1) * ss + eff - n
            head = total // 2  # the odd cell after for SAME_LOWER too
        elif case.padding == "valid":
            out, head = math.ceil((n - eff + 1) / ss), 0
        elif case.ceil_mode:
            out = math.ceil((n + b + a - eff) / ss + 1)
            out -= (out - 1) * ss >= n + b
            head = b
        else:
            out, head = math.floor((n + b + a - eff) / ss + 1), b
        dims.append((out, head))
    out_shape = [max(o, 0) for o, _ in dims]
    y = np.zeros((*x.shape[:2], *out_shape))
    for index in itertools.product(*(range(o) for o in out_shape)):
        taps = [[t for t in range(o * ss - head, o * ss - head + kk * dd, dd) if 0 <= t < n]
                for o, (_, head), ss, kk, dd, n in zip(index, dims, s, k, d, x.shape[2:])]
        cells = x[_index(Ellipsis, *np.ix_(*taps))].reshape(*x.shape[:2], -1)
        if cells.shape[-1] == 0:  # 2-D leaves y's 0; 1-D and 3-D store None: NaN, which bfloat16 refuses
            if case.rank != 2 and case.dtype == "bfloat16":
                return _raised("none-into-bfloat16")
            if case.rank != 2:
                y[_index(Ellipsis, *index)] = np.nan
            continue
        held = cells[..., 0]
        for i in range(1, cells.shape[-1]):
            with np.errstate(invalid="ignore"):
                held = np.where(cells[..., i] > held, cells[..., i], held)
        y[_index(Ellipsis, *index)] = held
    return Outcome(values=y)


def _padding_or_zero(case: Case) -> tuple[tuple[int, int], ...]:
    return ((0, 0),) * case.rank if case.padding in AUTO else tuple(case.pads)


# --- AveragePool and LpPool (op_pool_common.CommonPool) ----------------------------------------------------


def _average_family(case: Case) -> Outcome:
    x = case.x.astype(np.float64)
    k, s, d = case.kernel, case.strides, case.dilations
    if case.padding in AUTO and case.ceil_mode:
        return _raised("ceil-with-auto-pad")
    lp = case.op == "lp_pool"
    nan_padding = not lp and not case.count_include_pad
    dims = []  # (out, head, tail, bound): windows start at o*s in the padded array, read below `bound`
    for n, kk, ss, dd, (b, a) in zip(case.shape[2:], k, s, d, _padding_or_zero(case)):
        eff = dd * (kk - 1) + 1
        if case.padding == "valid":
            out = (n - kk) // ss + 1  # the undilated kernel
            head = tail = 0
        elif case.padding in ("same", "same_lower"):
            out = (n - 1) // ss + 1
            total = (out - 1) * ss + kk - n  # the undilated kernel
            small = total // 2
            head, tail = (small, total - small) if case.padding == "same" else (total - small, small)
            if min(head, tail) < 0:
                return _raised("negative-pad")
        else:
            size = (n + b + a - eff) / ss + 1
            out = int(np.ceil(size)) if case.ceil_mode else int(np.floor(size))
            if case.ceil_mode and (out - 1) * ss >= n + b:
                out -= 1
            extra = (out - 1) * ss + eff - n - b - a
            head, tail = (b + extra // 2, a + extra - extra // 2) if extra > 0 else (b, a)
        bound = n + (head + tail if case.padding in AUTO else b + a)
        loop = int((n + head + tail - eff) / ss + 1)
        if loop > out:
            return _raised("index-out-of-bounds")
        dims.append((out, head, tail, bound, loop))
    # the evaluator raises |x| to p in x's own format (np.power): a float16 |x| >= 256 squares to inf, so the
    # window's Lp norm is inf where the spec's is finite (x 266.25 in a 256-cell window: inf, spec 426.5)
    with np.errstate(over="ignore"):
        values = np.power(np.abs(case.x), case.p).astype(np.float64) if lp else x
    padded = np.pad(values, [(0, 0), (0, 0), *((h, t) for _, h, t, _, _ in dims)],
                    constant_values=np.nan if nan_padding else 0.0)
    y = np.zeros((*x.shape[:2], *(o for o, *_ in dims)))
    for index in itertools.product(*(range(loop) for *_, loop in dims)):
        taps = [[t for t in range(o * ss, o * ss + dd * (kk - 1) + 1, dd) if t < bound]
                for o, (_, _, _, bound, _), ss, kk, dd in zip(index, dims, s, k, d)]
        cells = padded[_index(Ellipsis, *np.ix_(*taps))].reshape(*x.shape[:2], -1)
        with np.errstate(invalid="ignore"):
            mean = cells.mean(axis=-1) if case.count_include_pad and not lp else _nanmean(cells)
        y[_index(Ellipsis, *index)] = mean
    if lp:
        with np.errstate(invalid="ignore", over="ignore"):
            y = (prod(k) * y) ** (1.0 / case.p)
    return Outcome(values=y)


def _nanmean(cells: np.ndarray) -> np.ndarray:
    """The mean of the non-NaN cells, NaN where there are none (np.average of an empty array)."""
    kept = ~np.isnan(cells)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(kept, cells, 0.0).sum(axis=-1) / kept.sum(axis=-1)


def evaluate(case: Case) -> Outcome:
    """What onnx.reference returns or raises for a pooling case."""
    if case.op == "max_pool":
        unit = all(v == 1 for v in case.strides) and all(v == 1 for v in case.dilations)
        return _max_unit_stride(case) if unit else _max_strided(case)
    return _average_family(case)


def global_max_pool(case: Case) -> np.ndarray:
    """GlobalMaxPool reduces axes (r, r + 1) for r spatial dims, then appends r unit dims: right for 2-D
    only (1-D reduces channels and length, 3-D keeps the depth)."""
    r = case.rank
    y = case.x.astype(np.float64).max(axis=(r, r + 1))
    return y.reshape(*y.shape, *(1,) * r)
