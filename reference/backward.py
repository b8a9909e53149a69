"""Backward passes: for each op f, f_backward(grad_output, input, **f's parameters) -> grad_input, the
vector-Jacobian product (dy/dx)^T g. conv_backward and dense_backward return (grad_x, grad_weight,
grad_bias), grad_bias None without a bias.

Rules the frameworks disagree on, stated once here and in each function:
- max pooling (windowed, global, adaptive): each window sends its whole gradient to ONE cell, the first
  maximum in row-major window order; a window holding NaN sends it to its first NaN; overlapping windows
  add up; a window that reads only padding sends its gradient nowhere. Padding never receives gradient.
- relu'(0) = 0 and leaky_relu'(0) = negative_slope; a NaN input passes 0 (relu) or negative_slope
  (leaky_relu) times the gradient, as the comparison x > 0 is false for NaN.
- avg pooling divides by the forward pass's divisor: count_include_pad, divisor_override, and the
  ceil-mode overhang never counted.
- lp pooling: dy/dx = sign(x) |x|^(p-1) y^(1-p); where x = 0 or the window's norm y = 0 it is 0.

Sums run in float64 and round once to the gradient's dtype: the float dtype of `input` (float64 for
integer input).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ._args import accumulation_dtype, as_input, check_dtype, int_tuple, result_float_dtype
from ._windows import Geometry, geometry
from .conv import col2im, conv, conv_transpose, im2col
from .dense import dense, leaky_relu, relu, sigmoid, tanh
from .padding import zero_pad
from .pooling import (
    _adaptive_windows,
    adaptive_avg_pool,
    adaptive_max_pool,
    avg_pool,
    global_avg_pool,
    global_max_pool,
    lp_pool,
    max_pool,
    sum_pool,
)
from .shapes import explicit_padding, transpose_padding


def _grad(grad_output, expected_shape: tuple[int, ...], op: str) -> np.ndarray:
    """grad_output as float64, checked against the forward output's shape."""
    g = np.asarray(grad_output)
    check_dtype(g, op)
    if g.shape != tuple(expected_shape):
        raise ValueError(f"{op}: grad_output must have the forward output's shape {tuple(expected_shape)}; "
                         f"got {g.shape}")
    return g.astype(np.float64)


def _result(values: np.ndarray, x: np.ndarray) -> np.ndarray:
    return values.astype(result_float_dtype(x.dtype), copy=False)


def _scatter_windows(g: np.ndarray, geo: Geometry, x_shape: tuple[int, ...], weight_per_offset) -> np.ndarray:
    """sum over windows and offsets of weight_per_offset(offset) * g into an input-shaped array; taps on
    padding or the ceil overhang are dropped (the adjoint of reading padded windows)."""
    n, c = x_shape[:2]
    padded = np.zeros([n, c, *(pb + size + pa + extra for size, (pb, pa), extra
                                in zip(geo.spatial, geo.padding, geo.overhang))])
    for offset in geo.offsets():
        geo.window_view(padded, offset)[...] += weight_per_offset(offset)
    inner: tuple[Any, ...] = (Ellipsis, *(slice(pb, pb + size)
                                          for size, (pb, _) in zip(geo.spatial, geo.padding)))
    return padded[inner]


# --- windowed pooling ----------------------------------------------------------------------------------


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """grad_x[p] = sum of g[i] over the windows i whose chosen cell is p, where a window's chosen cell is
    its first maximum in row-major window order (its first NaN if it holds one); padding never wins, and a
    window that reads only padding sends its gradient nowhere."""
    return _max_pool_grad(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,
                          last_nan=False)


def _max_pool_grad(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode, *, last_nan: bool):
    """max_pool_backward, or (last_nan) with a window's gradient routed to its last NaN (torch's rule)."""

    def first_max(taps):
        chosen = _first_max(taps, last_nan)
        return [chosen == i for i in range(len(taps))]

    return max_pool_routed(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode, first_max)


def max_pool_routed(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode, route):
    """The max-pool gradient under a routing rule of one's own, to state how a framework departs from the
    spec's. route(taps) gets, per tap in row-major window order, (values, real): output-shaped float64
    arrays of the cells the windows read (NaN on padding) and whether each is an input cell; it returns,
    per tap, a mask of the windows whose whole gradient that tap receives."""
    op = "max_pool_backward"
    x = as_input(input, op)
    y = max_pool(x, kernel_size, stride, padding, dilation, ceil_mode)
    g = _grad(grad_output, y.shape, op)
    geo = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    padded = geo.pad(x.astype(np.float64), np.nan)  # NaN marks padding; `real` tells it from an input NaN
    real = geo.pad(np.ones(x.shape, dtype=bool), False)
    offsets = list(geo.offsets())
    shares = route([(geo.window_view(padded, o), geo.window_view(real, o)) for o in offsets])
    share_at = dict(zip(offsets, shares))
    return _result(_scatter_windows(g, geo, x.shape, lambda o: np.where(share_at[o], g, 0.0)), x)


def _index(geo: Geometry, offset: tuple[int, ...]) -> int:
    return int(np.ravel_multi_index(offset, geo.kernel))


def _first_max(taps: list[tuple[np.ndarray, np.ndarray]], last_nan: bool = False) -> np.ndarray:
    """Per window, the index of the first (last_nan: the last) real tap holding NaN, else the first real tap
    holding the window's maximum; -1 where no tap is real."""
    shape = taps[0][0].shape
    best = np.full(shape, -np.inf)
    chosen = np.full(shape, -1, dtype=np.int64)
    found_nan = np.zeros(shape, dtype=bool)
    for i, (value, real) in enumerate(taps):
        nan_here = real & np.isnan(value) & (~found_nan | last_nan)
        greater = real & ~found_nan & ~np.isnan(value) & ((value > best) | (chosen < 0))
        take = nan_here | greater
        chosen = np.where(take, i, chosen)
        best = np.where(greater, value, best)
        found_nan |= nan_here
    return chosen


def avg_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                      count_include_pad=True, divisor_override=None, dilation=1):
    """grad_x[p] = sum over the windows i that read cell p (once per tap) of g[i] / divisor[i], with the
    forward pass's divisor (divisor_override, or the cells counted under count_include_pad; the ceil-mode
    overhang never counted)."""
    op = "avg_pool_backward"
    x = as_input(input, op)
    y = avg_pool(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, dilation)
    g = _grad(grad_output, y.shape, op)
    geo = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    divisor = (divisor_override if divisor_override is not None
               else geo.cells_per_window(include_pad=bool(count_include_pad)))
    share = g / divisor
    return _result(_scatter_windows(g, geo, x.shape, lambda o: share), x)


def sum_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """grad_x[p] = sum over the windows i that read cell p (once per tap) of g[i]."""
    op = "sum_pool_backward"
    x = as_input(input, op)
    y = sum_pool(x, kernel_size, stride, padding, dilation, ceil_mode)
    g = _grad(grad_output, y.shape, op)
    geo = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    return _result(_scatter_windows(g, geo, x.shape, lambda o: g), x)


def lp_pool_backward(grad_output, input, norm_type, kernel_size, stride=None, padding=0, dilation=1,
                     ceil_mode=False):
    """grad_x[p] = sum over the windows i that read p of g[i] * sign(x[p]) * |x[p]|^(p-1) * y[i]^(1-p),
    the derivative of y = (sum |x|^p)^(1/p); it is 0 where x[p] = 0 or y[i] = 0 (where the norm is not
    differentiable for p <= 1, and its one-sided limits disagree)."""
    op = "lp_pool_backward"
    x = as_input(input, op)
    y = lp_pool(x, norm_type, kernel_size, stride, padding, dilation, ceil_mode).astype(np.float64)
    g = _grad(grad_output, y.shape, op)
    geo = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, op)
    p = float(norm_type)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = np.where(y > 0, g * y ** (1 - p), 0.0)
        xf = x.astype(np.float64)
        local = np.where(xf != 0, np.sign(xf) * np.abs(xf) ** (p - 1), 0.0)
    padded_local = geo.pad(local, 0.0)
    return _result(_scatter_windows(g, geo, x.shape, lambda o: scale * geo.window_view(padded_local, o)), x)


# --- global and adaptive pooling ----------------------------------------------------------------------


def global_max_pool_backward(grad_output, input):
    """grad_x[n, c, p] = g[n, c] at the first maximum of x[n, c] in row-major order (its first NaN if it
    holds one), 0 elsewhere."""
    return _global_max_grad(grad_output, input, last_nan=False)


def _global_max_grad(grad_output, input, *, last_nan: bool):
    op = "global_max_pool_backward"
    x = as_input(input, op)
    g = _grad(grad_output, global_max_pool(x).shape, op)
    n, c = x.shape[:2]
    flat = x.astype(np.float64).reshape(n, c, -1)
    nans = np.isnan(flat)
    nan_at = flat.shape[2] - 1 - np.argmax(nans[..., ::-1], axis=2) if last_nan else np.argmax(nans, axis=2)
    first = np.where(nans.any(axis=2), nan_at, np.argmax(flat, axis=2))
    out = np.zeros(flat.shape)
    np.put_along_axis(out, first[..., None], g.reshape(n, c, 1), axis=2)
    return _result(out.reshape(x.shape), x)


def global_avg_pool_backward(grad_output, input):
    """grad_x[n, c, p] = g[n, c] / (number of spatial cells)."""
    op = "global_avg_pool_backward"
    x = as_input(input, op)
    g = _grad(grad_output, global_avg_pool(x).shape, op)
    cells = int(np.prod(x.shape[2:]))
    return _result(np.broadcast_to(g / cells, x.shape), x)


def _adaptive_boxes(x: np.ndarray, output_size, op: str) -> tuple[np.ndarray, np.ndarray]:
    """Each adaptive window's cells as flat spatial indices, shaped (*out, W) with W the largest window's
    cell count in row-major window order, and which of them are real (windows differ in size)."""
    spatial = x.shape[2:]
    rank = len(spatial)
    index: np.ndarray = np.zeros((1,) * (2 * rank), dtype=np.int64)
    valid: np.ndarray = np.ones((1,) * (2 * rank), dtype=bool)
    # axes (out_0, ..., out_r-1, w_0, ..., w_r-1): window i's cell j is at index[i, j] per dim
    for dim, (_, (cells, real)) in enumerate(_adaptive_windows(x, output_size, op)):
        shape = [1] * (2 * rank)
        shape[dim], shape[rank + dim] = cells.shape
        index = index + cells.reshape(shape) * int(np.prod(spatial[dim + 1:]))
        valid = valid & real.reshape(shape)
    index, valid = np.broadcast_arrays(index, valid)
    outs = index.shape[:rank]
    return index.reshape(*outs, -1), valid.reshape(*outs, -1)


def adaptive_max_pool_backward(grad_output, input, output_size):
    """grad_x[p] = sum of g[i] over the adaptive windows i whose first maximum in row-major window order
    (first NaN, if any) is p; windows overlap where the length is not a multiple of the output size."""
    return _adaptive_max_grad(grad_output, input, output_size, last_nan=False)


def _adaptive_max_grad(grad_output, input, output_size, *, last_nan: bool):
    op = "adaptive_max_pool_backward"
    x = as_input(input, op)
    g = _grad(grad_output, adaptive_max_pool(x, output_size).shape, op)
    index, valid = _adaptive_boxes(x, output_size, op)
    n, c = x.shape[:2]
    flat = x.astype(np.float64).reshape(n, c, -1)
    values = flat[:, :, index]  # (N, C, *out, W)
    real = np.broadcast_to(valid, values.shape)
    taps = [(values[..., w], real[..., w]) for w in range(values.shape[-1])]
    chosen = _first_max(taps, last_nan)
    cell = np.take_along_axis(np.broadcast_to(index, values.shape), chosen[..., None], axis=-1)[..., 0]
    out = np.zeros(flat.shape)
    rows = np.arange(n)[:, None, None]
    chans = np.arange(c)[None, :, None]
    np.add.at(out, (rows, chans, cell.reshape(n, c, -1)), g.reshape(n, c, -1))
    return _result(out.reshape(x.shape), x)


def adaptive_avg_pool_backward(grad_output, input, output_size):
    """grad_x[p] = sum over the adaptive windows i that hold p of g[i] / (cells in window i)."""
    op = "adaptive_avg_pool_backward"
    x = as_input(input, op)
    g = _grad(grad_output, adaptive_avg_pool(x, output_size).shape, op)
    index, valid = _adaptive_boxes(x, output_size, op)
    n, c = x.shape[:2]
    share = g / valid.sum(axis=-1)  # (N, C, *out)
    out = np.zeros((n, c, int(np.prod(x.shape[2:]))))
    cells = np.where(valid, index, 0)
    weights = np.where(valid, share[..., None], 0.0)
    rows = np.arange(n)[:, None, None]
    chans = np.arange(c)[None, :, None]
    np.add.at(out, (rows, chans, cells.reshape(1, 1, -1)), weights.reshape(n, c, -1))
    return _result(out.reshape(x.shape), x)


# --- padding, im2col, conv, dense ---------------------------------------------------------------------


def zero_pad_backward(grad_output, input, padding):
    """grad_x = grad_output with the padding cut away: grad_output[..., pb : pb + n, ...] per dim."""
    op = "zero_pad_backward"
    x = as_input(input, op)
    y = zero_pad(x, padding)
    g = _grad(grad_output, y.shape, op)
    rank = x.ndim - 2
    pairs = ((0, 0),) * rank if isinstance(padding, str) else explicit_padding(padding, rank, op)
    inner: tuple[Any, ...] = (Ellipsis, *(slice(pb, pb + size) for size, (pb, _) in zip(x.shape[2:], pairs)))
    return _result(g[inner], x)


def im2col_backward(grad_output, input, kernel_size, stride=1, padding=0, dilation=1):
    """grad_x = col2im(grad_output, input.shape, ...): each column entry flows back to the cell it copied
    (padding cells dropped); a cell read by several windows sums their gradients."""
    op = "im2col_backward"
    x = as_input(input, op)
    cols = im2col(x, kernel_size, stride, padding, dilation)
    g = _grad(grad_output, cols.shape, op)
    return _result(col2im(g, x.shape, kernel_size, stride, padding, dilation), x)


def conv_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """For y = conv(x, w, b) with per-group cols = im2col(x):
        grad_x = col2im(W_g^T @ g, x.shape)     (per group, summing overlapping windows; padding dropped)
        grad_w[o] = sum_n g[n, o] @ cols[n, group(o)]^T
        grad_b[o] = sum over n and positions of g[n, o]   (None when bias is None)"""
    op = "conv_backward"
    x = as_input(input, op)
    w = np.asarray(weight)
    y = conv(x, w, bias, stride, padding, dilation, groups)
    g = _grad(grad_output, y.shape, op)
    n, c_in = x.shape[:2]
    c_out = w.shape[0]
    kernel = w.shape[2:]
    k = int(np.prod(kernel))
    length = int(np.prod(y.shape[2:]))
    cols = im2col(x.astype(accumulation_dtype(x.dtype)), kernel, stride, padding, dilation)
    cols = cols.reshape(n, groups, (c_in // groups) * k, length)
    gg = g.reshape(n, groups, c_out // groups, length)
    wg = w.astype(np.float64).reshape(groups, c_out // groups, (c_in // groups) * k)
    grad_cols = np.einsum("gok,ngol->ngkl", wg, gg).reshape(n, c_in * k, length)
    grad_x = col2im(grad_cols, x.shape, kernel, stride, padding, dilation)
    grad_w = np.einsum("ngol,ngkl->gok", gg, cols).reshape(w.shape)
    grad_b = None if bias is None else g.sum(axis=(0, *range(2, g.ndim)))
    wdt = result_float_dtype(w.dtype)
    return (_result(grad_x, x), grad_w.astype(wdt, copy=False),
            None if grad_b is None else grad_b.astype(result_float_dtype(np.asarray(bias).dtype), copy=False))


def dense_backward(grad_output, input, weight, bias=None):
    """For y = x @ W^T + b: grad_x = g @ W, grad_W = sum over leading dims of g^T x, grad_b = sum of g
    over leading dims (None when bias is None)."""
    op = "dense_backward"
    x, w = np.asarray(input), np.asarray(weight)
    y = dense(x, w, bias)
    g = _grad(grad_output, y.shape, op)
    xf = x.astype(np.float64).reshape(-1, x.shape[-1])
    gf = g.reshape(-1, g.shape[-1])
    grad_x = (gf @ w.astype(np.float64)).reshape(x.shape)
    grad_w = gf.T @ xf
    grad_b = None if bias is None else gf.sum(axis=0)
    return (_result(grad_x, x), grad_w.astype(result_float_dtype(w.dtype), copy=False),
            None if grad_b is None else grad_b.astype(result_float_dtype(np.asarray(bias).dtype), copy=False))


# --- activations --------------------------------------------------------------------------------------


def _activation_grad(grad_output, input, forward, op):
    x = np.asarray(input)
    check_dtype(x, op)
    g = _grad(grad_output, forward(x).shape, op)
    return x, g


def relu_backward(grad_output, input):
    """grad_x = g where x > 0, else 0 (at 0 and for NaN too)."""
    x, g = _activation_grad(grad_output, input, relu, "relu_backward")
    return _result(np.where(x.astype(np.float64) > 0, g, 0.0), x)


def leaky_relu_backward(grad_output, input, negative_slope):
    """grad_x = g where x > 0, else negative_slope * g (at 0 and for NaN too)."""
    x, g = _activation_grad(grad_output, input, lambda v: leaky_relu(v, negative_slope),
                            "leaky_relu_backward")
    return _result(np.where(x.astype(np.float64) > 0, g, float(negative_slope) * g), x)


def sigmoid_backward(grad_output, input):
    """grad_x = g * s * (1 - s) with s = sigmoid(x), evaluated in float64."""
    x, g = _activation_grad(grad_output, input, sigmoid, "sigmoid_backward")
    s = sigmoid(x.astype(np.float64))
    return _result(g * s * (1 - s), x)


def tanh_backward(grad_output, input):
    """grad_x = g * (1 - tanh(x)^2), evaluated in float64."""
    x, g = _activation_grad(grad_output, input, tanh, "tanh_backward")
    t = np.tanh(x.astype(np.float64))
    return _result(g * (1 - t * t), x)


def conv_transpose_backward(grad_output, input, weight, bias=None, stride=1, padding=0, output_padding=None,
                            dilation=1, groups=1):
    """For y = conv_transpose(x, w, b), where input cell i's tap j lands on output cell q = i*s + j*d - pb
    (kept when 0 <= q < out; cropped cells and output_padding take no part):
        grad_x[n, c, i] = sum_{o in group(c)} sum_j w[c, o', j] * g[n, o, q(i, j)]
        grad_w[c, o', j] = sum_{n, i} x[n, c, i] * g[n, o, q(i, j)]
        grad_b[o] = sum over n and positions of g[n, o]   (None when bias is None)
    Only kept taps enter the sums: a cropped cell has no gradient to give, so an inf in x meets no zero."""
    op = "conv_transpose_backward"
    x = as_input(input, op)
    w = np.asarray(weight)
    y = conv_transpose(x, w, bias, stride, padding, output_padding, dilation, groups)
    g = _grad(grad_output, y.shape, op)
    rank = x.ndim - 2
    kernel = tuple(int(k) for k in w.shape[2:])
    s = int_tuple(stride, rank, "stride", op)
    d = int_tuple(dilation, rank, "dilation", op)
    pads, _ = transpose_padding(padding, x.shape[2:], kernel, s, d, output_padding, op)
    n, c_in = x.shape[:2]
    c_out = g.shape[1]
    xg = x.astype(np.float64).reshape(n, groups, c_in // groups, *x.shape[2:])
    gg = g.reshape(n, groups, c_out // groups, *g.shape[2:])
    wg = w.astype(np.float64).reshape(groups, c_in // groups, c_out // groups, *kernel)
    grad_x = np.zeros(xg.shape)
    grad_w = np.zeros(wg.shape)
    for offset in itertools.product(*(range(k) for k in kernel)):
        inputs, outputs = [], []
        for j, si, di, (pb, _), size, out in zip(offset, s, d, pads, x.shape[2:], g.shape[2:]):
            lo = max(0, -(-(pb - j * di) // si))  # the first input cell whose tap j lands at q >= 0
            hi = min(size, (out - 1 + pb - j * di) // si + 1) if out - 1 + pb - j * di >= 0 else 0
            hi = max(hi, lo)
            inputs.append(slice(lo, hi))
            first = lo * si + j * di - pb
            outputs.append(slice(first, first + (hi - lo - 1) * si + 1, si) if hi > lo else slice(0, 0))
        x_at: tuple[Any, ...] = (Ellipsis, *inputs)
        g_at: tuple[Any, ...] = (Ellipsis, *outputs)
        w_at: tuple[Any, ...] = (slice(None), slice(None), slice(None), *offset)
        xs, gs = xg[x_at], gg[g_at]
        if xs.size == 0 or gs.size == 0:
            continue
        flat_x = xs.reshape(n, groups, c_in // groups, -1)
        flat_g = gs.reshape(n, groups, c_out // groups, -1)
        grad_w[w_at] += np.einsum("ngcl,ngol->gco", flat_x, flat_g)
        grad_x[x_at] += np.einsum("gco,ngol->ngcl", wg[w_at], flat_g).reshape(xs.shape)
    grad_b = None if bias is None else g.sum(axis=(0, *range(2, g.ndim)))
    return (_result(grad_x.reshape(x.shape), x), grad_w.reshape(w.shape).astype(result_float_dtype(w.dtype),
                                                                                 copy=False),
            None if grad_b is None else grad_b.astype(result_float_dtype(np.asarray(bias).dtype), copy=False))
