"""Pooling: max, average, sum, power-average (Lp), global and adaptive.

All take channels-first input (N, C, *spatial) with 1-3 spatial dims. Notation per spatial dim: n input
size, k kernel, s stride, d dilation, (pb, pa) resolved padding (see `resolve_padding`), out from
`output_size`. Output position i reads the padded cells i*s + j*d for j in 0..k-1.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ._args import _is_int, accumulation_dtype, as_input, int_tuple, is_float, result_float_dtype
from ._windows import Geometry, geometry


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """y[n, c, i] = max_j xpad[n, c, i*s + j*d]  (j over the kernel, per spatial dim).

    - stride=None means stride = kernel_size.
    - Padding acts as -inf, so it never wins; a window that covers no input cell yields -inf.
    - NaN propagates: a window holding a NaN yields NaN.
    - Integer inputs keep their dtype (a window of padding only is then a ValueError: -inf has no
      integer value). Float inputs keep their dtype.
    """
    op = "max_pool"
    x = as_input(input, op)
    g = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    if is_float(x.dtype):
        fill = -np.inf
    else:
        _require_input_in_every_window(g, op, "integer input has no -inf to return")
        fill = np.iinfo(x.dtype).min
    return _reduce_windows(g.pad(x, fill), g, np.maximum)


def avg_pool(
    input,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode=False,
    count_include_pad=True,
    divisor_override=None,
    dilation=1,
):
    """y[n, c, i] = (sum_j xpad[n, c, i*s + j*d]) / divisor, padding contributing 0.

    divisor = divisor_override if given, else the number of window cells inside
      - the input and its padding (count_include_pad=True), or
      - the input alone (count_include_pad=False).
    The part of a ceil-mode window beyond input + padding is never counted. A window with no input cell
    under count_include_pad=False is a ValueError (the divisor would be 0).
    `dilation` is accepted because ONNX AveragePool has it (torch does not).
    Output keeps a floating input's dtype (integer input gives float64); sums accumulate in float64.
    """
    op = "avg_pool"
    x = as_input(input, op)
    g = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    total = _window_sum(x, g)
    if divisor_override is not None:
        if not _is_int(divisor_override) or divisor_override < 1:
            raise ValueError(f"{op}: divisor_override must be a positive int; got {divisor_override!r}")
        divisor: Any = divisor_override
    else:
        if not count_include_pad:
            _require_input_in_every_window(g, op, "count_include_pad=False would divide by 0")
        divisor = g.cells_per_window(include_pad=bool(count_include_pad))
    return (total / divisor).astype(result_float_dtype(x.dtype), copy=False)


def sum_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """y[n, c, i] = sum_j xpad[n, c, i*s + j*d], padding contributing 0."""
    op = "sum_pool"
    x = as_input(input, op)
    g = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    return _window_sum(x, g).astype(result_float_dtype(x.dtype), copy=False)


def lp_pool(input, norm_type, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """y[n, c, i] = (sum_j |xpad[n, c, i*s + j*d]|^p)^(1/p) with p = norm_type > 0, padding contributing 0.

    The absolute value is part of the spec: a framework that raises x^p for negative x with odd p
    diverges from it.
    """
    op = "lp_pool"
    if not isinstance(norm_type, numbers.Real) or isinstance(norm_type, bool) or not 0 < norm_type < np.inf:
        raise ValueError(f"{op}: norm_type p must be a finite real number > 0; got {norm_type!r}")
    x = as_input(input, op)
    g = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    acc = accumulation_dtype(x.dtype)
    powered = np.abs(x.astype(acc, copy=False)) ** acc.type(norm_type)
    total = _reduce_windows(g.pad(powered, 0), g, np.add)
    return (total ** acc.type(1.0 / norm_type)).astype(result_float_dtype(x.dtype), copy=False)


def global_max_pool(input):
    """y[n, c, 0, ...] = max over all spatial cells of x[n, c]; spatial dims kept with size 1.
    NaN propagates."""
    x = as_input(input, "global_max_pool")
    return np.max(x, axis=tuple(range(2, x.ndim)), keepdims=True)


def global_avg_pool(input):
    """y[n, c, 0, ...] = mean over all spatial cells of x[n, c]; spatial dims kept with size 1."""
    x = as_input(input, "global_avg_pool")
    acc = accumulation_dtype(x.dtype)
    mean = np.mean(x, axis=tuple(range(2, x.ndim)), keepdims=True, dtype=acc)
    return mean.astype(result_float_dtype(x.dtype), copy=False)


def adaptive_max_pool(input, output_size):
    """Max over adaptive windows: along a dim of length L with `out` outputs, window i spans
    [floor(i*L/out), ceil((i+1)*L/out)). Windows are never empty; NaN propagates.
    """
    x = as_input(input, "adaptive_max_pool")
    fill = -np.inf if is_float(x.dtype) else np.iinfo(x.dtype).min
    for axis, (cells, valid) in _adaptive_windows(x, output_size, "adaptive_max_pool"):
        gathered = np.take(x, cells, axis=axis)  # window cells occupy axes (axis, axis+1)
        x = np.max(np.where(_expand(valid, axis, x.ndim + 1), gathered, fill), axis=axis + 1)
    return x


def adaptive_avg_pool(input, output_size):
    """Mean over adaptive windows: along a dim of length L with `out` outputs, window i spans
    [floor(i*L/out), ceil((i+1)*L/out)) and y is the mean of the box those spans form.
    """
    x = as_input(input, "adaptive_avg_pool")
    out_dtype = result_float_dtype(x.dtype)
    x = x.astype(accumulation_dtype(x.dtype), copy=False)
    for axis, (cells, valid) in _adaptive_windows(x, output_size, "adaptive_avg_pool"):
        gathered = np.take(x, cells, axis=axis)
        mask = _expand(valid, axis, x.ndim + 1)
        x = np.where(mask, gathered, 0).sum(axis=axis + 1) / _expand(valid.sum(axis=1), axis, x.ndim)
    return x.astype(out_dtype, copy=False)


def _adaptive_windows(x: np.ndarray, output_size, op: str):
    """Per spatial axis: the (out, max_len) cell indices of each window and which of them are real."""
    n_dims = x.ndim - 2
    outs = int_tuple(output_size, n_dims, "output_size", op)
    for dim, (length, out) in enumerate(zip(x.shape[2:], outs)):
        if length < 1:
            raise ValueError(f"{op}: spatial dim {dim} has size {length}; adaptive pooling needs >= 1 cell")
        i = np.arange(out)
        start = (i * length) // out
        end = -((-(i + 1) * length) // out)
        width = int((end - start).max())
        cells = start[:, None] + np.arange(width)[None, :]
        valid = cells < end[:, None]
        yield dim + 2, (np.minimum(cells, length - 1), valid)


def _expand(a: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """Place a's leading dims at `axis`, broadcastable against an ndim array."""
    return a.reshape((1,) * axis + a.shape + (1,) * (ndim - axis - a.ndim))


def _window_sum(x: np.ndarray, g: Geometry) -> np.ndarray:
    return _reduce_windows(g.pad(x.astype(accumulation_dtype(x.dtype), copy=False), 0), g, np.add)


def _reduce_windows(padded: np.ndarray, g: Geometry, combine) -> np.ndarray:
    offsets = g.offsets()
    acc = g.window_view(padded, next(offsets)).copy()
    for offset in offsets:
        combine(acc, g.window_view(padded, offset), out=acc)
    return acc


def _require_input_in_every_window(g: Geometry, op: str, why: str) -> None:
    counts = g.cells_per_window(include_pad=False)
    if counts.min() == 0:
        where = tuple(int(i) for i in np.argwhere(counts == 0)[0])
        raise ValueError(
            f"{op}: every window must cover at least one input cell ({why}), but window {where} covers only "
            f"padding: kernel {g.kernel}, stride {g.stride}, dilation {g.dilation}, padding {g.padding}, "
            f"input spatial shape {g.spatial}"
        )
