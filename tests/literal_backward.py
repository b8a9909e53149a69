"""Literal backward passes: each gradient written as the loop its docstring states, in Python floats,
sharing no code with reference/backward.py (only the window enumeration of tests/literal.py).

A window's taps are enumerated as in tests/literal.py: output position o, kernel offset t (row-major), cell
coordinate o*s - pb + d*t per dim; only taps inside the input carry gradient.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

import literal as L


def _ix(*parts) -> tuple:
    return parts


def _chosen(x, cells):
    """The cell a max window's gradient goes to: its first NaN, else its first maximum."""
    nans = [cell for cell in cells if math.isnan(x[cell])]
    if nans:
        return nans[0]
    best = max(x[cell] for cell in cells)
    return next(cell for cell in cells if x[cell] == best)


def _positions(shape):
    return itertools.product(*(range(m) for m in shape))


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Each window's gradient goes to its first NaN, else its first maximum, in row-major tap order."""
    x = np.asarray(input, dtype=np.float64)
    g = np.asarray(grad_output, dtype=np.float64)
    k, s, d, pads, out = L._pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    grad = np.zeros(x.shape)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in _positions(out):
            cells = [(n, c, *coord) for _, coord, inside, _ in L.window_cells(o, x.shape[2:], k, s, d, pads)
                     if inside]
            if not cells:
                continue
            grad[_chosen(x, cells)] += g[_ix(n, c, *o)]
    return grad


def avg_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                      count_include_pad=True, divisor_override=None, dilation=1):
    x = np.asarray(input, dtype=np.float64)
    g = np.asarray(grad_output, dtype=np.float64)
    k, s, d, pads, out = L._pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    grad = np.zeros(x.shape)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in _positions(out):
            taps = list(L.window_cells(o, x.shape[2:], k, s, d, pads))
            if divisor_override is not None:
                divisor = divisor_override
            else:
                divisor = sum(in_padded if count_include_pad else inside for _, _, inside, in_padded in taps)
            for _, coord, inside, _ in taps:
                if inside:
                    grad[_ix(n, c, *coord)] += g[_ix(n, c, *o)] / divisor
    return grad


def lp_pool_backward(grad_output, input, norm_type, kernel_size, stride=None, padding=0, dilation=1,
                     ceil_mode=False):
    x = np.asarray(input, dtype=np.float64)
    g = np.asarray(grad_output, dtype=np.float64)
    p = float(norm_type)
    k, s, d, pads, out = L._pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    grad = np.zeros(x.shape)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in _positions(out):
            cells = [(n, c, *coord) for _, coord, inside, _ in L.window_cells(o, x.shape[2:], k, s, d, pads)
                     if inside]
            norm = sum(abs(x[cell]) ** p for cell in cells) ** (1 / p)
            if norm == 0:
                continue
            for cell in cells:
                v = x[cell]
                if v != 0:
                    local = math.copysign(abs(v) ** (p - 1), v)
                    grad[cell] += g[_ix(n, c, *o)] * local * norm ** (1 - p)
    return grad


def conv_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x = np.asarray(input, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    g = np.asarray(grad_output, dtype=np.float64)
    c_in, c_out = x.shape[1], w.shape[0]
    cg, og = c_in // groups, c_out // groups
    k, s, d, pads, out = L._conv_geometry(x, w.shape[2:], stride, padding, dilation)
    grad_x, grad_w = np.zeros(x.shape), np.zeros(w.shape)
    for n, co in itertools.product(range(x.shape[0]), range(c_out)):
        group = co // og
        for o in _positions(out):
            go = g[_ix(n, co, *o)]
            for ci in range(cg):
                for t, coord, inside, _ in L.window_cells(o, x.shape[2:], k, s, d, pads):
                    if inside:
                        cell = (n, group * cg + ci, *coord)
                        grad_x[cell] += go * w[_ix(co, ci, *t)]
                        grad_w[_ix(co, ci, *t)] += go * x[cell]
    grad_b = None if bias is None else g.sum(axis=(0, *range(2, g.ndim)))
    return grad_x, grad_w, grad_b


def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=0, dilation=1, groups=1):
    """Explicit padding only: full[n, o, i*s + t*d] += x[n, c, i] * w[c, o', t]; y = full cropped by
    (pb, pa) per dim, plus the bias."""
    x = np.asarray(input, dtype=np.float64)
    w = np.asarray(weight, dtype=np.float64)
    nd = x.ndim - 2
    s, d, op = L._ntuple(stride, nd), L._ntuple(dilation, nd), L._ntuple(output_padding, nd)
    pads = L.resolve_padding(padding, x.shape[2:], w.shape[2:], s, d)
    c_in, cog = x.shape[1], w.shape[1]
    cg = c_in // groups
    k = w.shape[2:]
    full_shape = [(m - 1) * si + di * (ki - 1) + 1 + e for m, si, di, ki, e in zip(x.shape[2:], s, d, k, op)]
    full = np.zeros((x.shape[0], cog * groups, *full_shape))
    for n, ci in itertools.product(range(x.shape[0]), range(c_in)):
        group = ci // cg
        for i in _positions(x.shape[2:]):
            for oo in range(cog):
                for t in _positions(k):
                    at = tuple(ij * si + tj * di for ij, si, tj, di in zip(i, s, t, d))
                    term = x[_ix(n, ci, *i)] * w[_ix(ci, oo, *t)]
                    full[_ix(n, group * cog + oo, *at)] += term
    crop = (Ellipsis, *(slice(pb, f - pa) for f, (pb, pa) in zip(full_shape, pads)))
    y = full[crop]
    if bias is not None:
        y = y + np.asarray(bias, dtype=np.float64).reshape((-1,) + (1,) * nd)
    return y


def adaptive_max_pool_backward(grad_output, input, output_size):
    x = np.asarray(input, dtype=np.float64)
    g = np.asarray(grad_output, dtype=np.float64)
    spans = [L.adaptive_windows(m, o) for m, o in zip(x.shape[2:], output_size)]
    grad = np.zeros(x.shape)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in _positions(tuple(output_size)):
            ranges = [range(*spans[dim][o[dim]]) for dim in range(len(o))]
            cells = [(n, c, *coord) for coord in itertools.product(*ranges)]
            grad[_chosen(x, cells)] += g[_ix(n, c, *o)]
    return grad
