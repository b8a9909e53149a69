"""Literal definitions: naive, obviously-correct transcriptions of the reference formulas.

Each function here has the signature of the reference op of the same name and computes its result with
plain Python loops over every output position and every window cell, using Python floats.  They are slow on
purpose and share no code with `reference/`: they exist only so that the self-tests can compare the
vectorised reference against the formula it claims to implement.

Conventions (from the spec, issue 2, "Public API"):

* arrays are channels-first, (N, C, *spatial), with 1-3 spatial dims;
* `kernel_size`, `stride`, `dilation` are an int or one int per spatial dim; pools take stride=None as
  stride = kernel;
* window cell t (a multi-index into the kernel) of output position o sits at input coordinate
  o*s - pb + d*t, per dim; it is an *input* cell when 0 <= coordinate < n, a *padding* cell when it lies in
  [-pb, 0) or [n, n + pa), and an *overhang* cell (ceil mode only) beyond n + pa.

Return dtypes: ops that only select values (zero_pad, max pools, relu, im2col) return the input's dtype, so
they can be compared exactly.  Ops that do arithmetic (sums, averages, norms, conv, dense, col2im,
activations) return float64 computed in Python floats, the most accurate answer available; the tests check
the reference's own output dtype separately and compare values within a rounding bound.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np

__all__ = [
    "adaptive_avg_pool",
    "adaptive_max_pool",
    "avg_pool",
    "col2im",
    "conv",
    "dense",
    "global_avg_pool",
    "global_max_pool",
    "im2col",
    "leaky_relu",
    "lp_pool",
    "max_pool",
    "output_size",
    "relu",
    "resolve_padding",
    "sigmoid",
    "sum_pool",
    "tanh",
    "zero_pad",
]


# ----------------------------------------------------------------------------------------------- helpers

def _ntuple(value, n):
    """An int or a sequence, as a tuple of `n` Python ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    t = tuple(int(v) for v in value)
    assert len(t) == n, (value, n)
    return t


def _spatial_ndim(x):
    nd = x.ndim - 2
    assert 1 <= nd <= 3, x.shape
    return nd


def _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode):
    """(kernel, stride, dilation, pads, out) per spatial dim; stride None means stride = kernel."""
    nd = _spatial_ndim(x)
    k = _ntuple(kernel_size, nd)
    s = k if stride is None else _ntuple(stride, nd)
    d = _ntuple(dilation, nd)
    pads = resolve_padding(padding, x.shape[2:], k, s, d)
    out = tuple(output_size(n, kj, sj, p, dj, ceil_mode)
                for n, kj, sj, p, dj in zip(x.shape[2:], k, s, pads, d))
    return k, s, d, pads, out


def window_cells(o, spatial_shape, k, s, d, pads):
    """Every cell of the window at output index `o`: yields (t, coordinate, in_input, in_padded_input).

    coordinate_j = o_j*s_j - pb_j + d_j*t_j for each kernel offset t; in_input means 0 <= c_j < n_j for
    every dim, in_padded_input means -pb_j <= c_j < n_j + pa_j for every dim.
    """
    for t in itertools.product(*(range(kj) for kj in k)):
        coord = tuple(oj * sj - pb + dj * tj for oj, sj, (pb, _), dj, tj in zip(o, s, pads, d, t))
        in_input = all(0 <= c < n for c, n in zip(coord, spatial_shape))
        in_padded = all(-pb <= c < n + pa for c, n, (pb, pa) in zip(coord, spatial_shape, pads))
        yield t, coord, in_input, in_padded


def _item(x, index):
    """One element as a Python int or float (exact for every numpy int/float dtype)."""
    return x[index].item()


# ------------------------------------------------------------------------------------------------ shapes

def output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Number of windows along one dim.

    floor mode: out = floor((n + pb + pa - d*(k-1) - 1) / s) + 1
    ceil mode:  out = ceil((n + pb + pa - d*(k-1) - 1) / s) + 1, then out -= 1 if (out-1)*s >= n + pb
                (the last window would start at or beyond the end of input + before-padding).
    `padding` is an int (both sides) or a (before, after) pair.  Raises ValueError when out < 1.
    """
    pb, pa = (padding, padding) if isinstance(padding, (int, np.integer)) else padding
    span = Fraction(size + pb + pa - dilation * (kernel_size - 1) - 1, stride)
    if ceil_mode:
        out = math.ceil(span) + 1
        if (out - 1) * stride >= size + pb:
            out -= 1
    else:
        out = math.floor(span) + 1
    if out < 1:
        raise ValueError(f"output size {out} < 1")
    return out


def resolve_padding(padding, spatial_shape, kernel_size, stride=1, dilation=1):
    """Padding in any accepted form -> one (before, after) pair per spatial dim.

    'valid': (0, 0).
    'same' (TF rule): out = ceil(n/s); total = max((out-1)*s + d*(k-1) + 1 - n, 0);
                      before = total // 2, after = total - before.
    'causal' (1-D only): before = d*(k-1), after = 0.
    int p: (p, p) on every dim.  Sequence: per dim, an int p -> (p, p), a pair -> (before, after).
    """
    nd = len(spatial_shape)
    k = _ntuple(kernel_size, nd)
    s = _ntuple(stride, nd)
    d = _ntuple(dilation, nd)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            pairs = []
            for n, kj, sj, dj in zip(spatial_shape, k, s, d):
                out = -(-n // sj)
                total = max((out - 1) * sj + dj * (kj - 1) + 1 - n, 0)
                pairs.append((total // 2, total - total // 2))
            return tuple(pairs)
        if padding == "causal":
            assert nd == 1
            return ((d[0] * (k[0] - 1), 0),)
        raise AssertionError(padding)
    if isinstance(padding, (int, np.integer)):
        return ((int(padding), int(padding)),) * nd
    pairs = []
    for p in padding:
        if isinstance(p, (int, np.integer)):
            pairs.append((int(p), int(p)))
        else:
            before, after = p
            pairs.append((int(before), int(after)))
    assert len(pairs) == nd
    return tuple(pairs)


def zero_pad(input, padding):
    """y[n, c, i] = x[n, c, i - pb] where 0 <= i - pb < n, else 0 (spatial dims only; y has n + pb + pa)."""
    x = np.asarray(input)
    nd = _spatial_ndim(x)
    pads = resolve_padding(padding, x.shape[2:], (1,) * nd)
    out_shape = x.shape[:2] + tuple(n + pb + pa for n, (pb, pa) in zip(x.shape[2:], pads))
    y = np.empty(out_shape, dtype=x.dtype)
    for index in itertools.product(*(range(m) for m in out_shape)):
        src = tuple(i - pb for i, (pb, _) in zip(index[2:], pads))
        if all(0 <= c < n for c, n in zip(src, x.shape[2:])):
            y[index] = x[index[:2] + src]
        else:
            y[index] = 0
    return y


# ----------------------------------------------------------------------------------------------- pooling

def _max_of(values):
    """max with NaN propagation; an empty list (no input cell) gives -inf."""
    best = -math.inf
    for v in values:
        if isinstance(v, float) and math.isnan(v):
            return math.nan
        if v > best:
            best = v
    return best


def _store(out, index, value):
    if out.dtype.kind in "iu" and isinstance(value, float):
        raise ValueError("a window with no input cell has no integer maximum (-inf)")
    out[index] = value


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """y[n, c, o] = max over the window's input cells of x; padding acts as -inf (never wins), a NaN in
    the window gives NaN, a window with no input cell gives -inf.  Output keeps the input dtype."""
    x = np.asarray(input)
    k, s, d, pads, out_shape = _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    y = np.empty(x.shape[:2] + out_shape, dtype=x.dtype)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in itertools.product(*(range(m) for m in out_shape)):
            values = [_item(x, (n, c, *coord))
                      for _, coord, inside, _ in window_cells(o, x.shape[2:], k, s, d, pads) if inside]
            _store(y, (n, c, *o), _max_of(values))
    return y


def _sum_window(x, n, c, o, k, s, d, pads, term=float):
    """(sum of term(x) over input cells, #input cells, #cells inside input + padding)."""
    total, n_input, n_padded = 0.0, 0, 0
    for _, coord, inside, in_padded in window_cells(o, x.shape[2:], k, s, d, pads):
        if inside:
            total += term(_item(x, (n, c, *coord)))
            n_input += 1
        n_padded += in_padded
    return total, n_input, n_padded


def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None, dilation=1):
    """y[n, c, o] = (sum of the window's input cells; padding is 0) / divisor, where divisor is
    divisor_override if given, else the number of window cells inside input + padding
    (count_include_pad=True) or inside the input (False).  Ceil-mode overhang cells (beyond input +
    padding) are never counted.  A zero divisor is a ValueError.  Returns float64."""
    x = np.asarray(input)
    k, s, d, pads, out_shape = _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    y = np.empty(x.shape[:2] + out_shape, dtype=np.float64)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in itertools.product(*(range(m) for m in out_shape)):
            total, n_input, n_padded = _sum_window(x, n, c, o, k, s, d, pads)
            if divisor_override is not None:
                divisor = divisor_override
            else:
                divisor = n_padded if count_include_pad else n_input
            if divisor == 0:
                raise ValueError(f"window {o} has divisor 0")
            index = (n, c, *o)
            y[index] = total / divisor
    return y


def sum_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """y[n, c, o] = sum of the window's input cells (padding contributes 0).  Returns float64."""
    x = np.asarray(input)
    k, s, d, pads, out_shape = _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    y = np.empty(x.shape[:2] + out_shape, dtype=np.float64)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in itertools.product(*(range(m) for m in out_shape)):
            index = (n, c, *o)
            y[index] = _sum_window(x, n, c, o, k, s, d, pads)[0]
    return y


def lp_pool(input, norm_type, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """y[n, c, o] = (sum over the window's input cells of |x|^p) ** (1/p), p = norm_type; padding
    contributes 0.  Returns float64."""
    x = np.asarray(input)
    p = float(norm_type)
    k, s, d, pads, out_shape = _pool_geometry(x, kernel_size, stride, padding, dilation, ceil_mode)
    y = np.empty(x.shape[:2] + out_shape, dtype=np.float64)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o in itertools.product(*(range(m) for m in out_shape)):
            total = _sum_window(x, n, c, o, k, s, d, pads, term=lambda v: abs(float(v)) ** p)[0]
            index = (n, c, *o)
            y[index] = total ** (1.0 / p)
    return y


def global_max_pool(input):
    """y[n, c, 0, ..., 0] = max of x[n, c] over all spatial cells (NaN propagates); spatial dims kept as 1."""
    x = np.asarray(input)
    nd = _spatial_ndim(x)
    y = np.empty(x.shape[:2] + (1,) * nd, dtype=x.dtype)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        values = [_item(x, (n, c, *i)) for i in itertools.product(*(range(m) for m in x.shape[2:]))]
        _store(y, (n, c) + (0,) * nd, _max_of(values))
    return y


def global_avg_pool(input):
    """y[n, c, 0, ..., 0] = (sum of x[n, c] over all spatial cells) / (number of spatial cells).
    Returns float64."""
    x = np.asarray(input)
    nd = _spatial_ndim(x)
    y = np.empty(x.shape[:2] + (1,) * nd, dtype=np.float64)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        total, count = 0.0, 0
        for i in itertools.product(*(range(m) for m in x.shape[2:])):
            total += float(_item(x, (n, c, *i)))
            count += 1
        y[(n, c) + (0,) * nd] = total / count
    return y


def adaptive_windows(length, out):
    """Adaptive window i along a dim of length L: [floor(i*L/out), ceil((i+1)*L/out))."""
    return [(math.floor(Fraction(i * length, out)), math.ceil(Fraction((i + 1) * length, out)))
            for i in range(out)]


def _adaptive_cells(x, output_size):
    nd = _spatial_ndim(x)
    out = _ntuple(output_size, nd)
    per_dim = [adaptive_windows(n, m) for n, m in zip(x.shape[2:], out)]
    for o in itertools.product(*(range(m) for m in out)):
        ranges = [range(*per_dim[j][oj]) for j, oj in enumerate(o)]
        yield o, list(itertools.product(*ranges))


def adaptive_max_pool(input, output_size):
    """y[n, c, o] = max of x[n, c] over the adaptive window (per dim [floor(i*L/out), ceil((i+1)*L/out)));
    NaN propagates.  Output keeps the input dtype."""
    x = np.asarray(input)
    out = _ntuple(output_size, _spatial_ndim(x))
    y = np.empty(x.shape[:2] + out, dtype=x.dtype)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o, cells in _adaptive_cells(x, output_size):
            _store(y, (n, c, *o), _max_of([_item(x, (n, c, *cell)) for cell in cells]))
    return y


def adaptive_avg_pool(input, output_size):
    """y[n, c, o] = mean of x[n, c] over the adaptive window (per dim [floor(i*L/out), ceil((i+1)*L/out))).
    Returns float64."""
    x = np.asarray(input)
    out = _ntuple(output_size, _spatial_ndim(x))
    y = np.empty(x.shape[:2] + out, dtype=np.float64)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for o, cells in _adaptive_cells(x, output_size):
            total = 0.0
            for cell in cells:
                total += float(_item(x, (n, c, *cell)))
            index = (n, c, *o)
            y[index] = total / len(cells)
    return y


# ---------------------------------------------------------------------------------------------- conv

def _conv_geometry(x, kernel, stride, padding, dilation):
    nd = _spatial_ndim(x)
    k = tuple(int(v) for v in kernel)
    s = _ntuple(stride, nd)
    d = _ntuple(dilation, nd)
    pads = resolve_padding(padding, x.shape[2:], k, s, d)
    out = tuple(output_size(n, kj, sj, p, dj) for n, kj, sj, p, dj in zip(x.shape[2:], k, s, pads, d))
    return k, s, d, pads, out


def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation with zero padding, weight (C_out, C_in/groups, *k):

        y[n, co, o] = bias[co] + sum_{ci < C_in/groups} sum_t xpad[n, g*C_in/groups + ci, o*s - pb + d*t]
                                                         * w[co, ci, t],      g = co // (C_out/groups)

    where xpad is 0 on padding cells.  Returns float64.
    """
    x = np.asarray(input)
    w = np.asarray(weight)
    n_batch, c_in = x.shape[:2]
    c_out = w.shape[0]
    cg, og = c_in // groups, c_out // groups
    k, s, d, pads, out_shape = _conv_geometry(x, w.shape[2:], stride, padding, dilation)
    y = np.empty((n_batch, c_out, *out_shape), dtype=np.float64)
    for n, co in itertools.product(range(n_batch), range(c_out)):
        g = co // og
        for o in itertools.product(*(range(m) for m in out_shape)):
            total = 0.0 if bias is None else float(_item(np.asarray(bias), (co,)))
            for ci in range(cg):
                for t, coord, inside, _ in window_cells(o, x.shape[2:], k, s, d, pads):
                    xv = float(_item(x, (n, g * cg + ci, *coord))) if inside else 0.0
                    total += xv * float(_item(w, (co, ci, *t)))
            index = (n, co, *o)
            y[index] = total
    return y


def im2col(input, kernel_size, stride=1, padding=0, dilation=1):
    """cols[n, c*K + flat(t), flat(o)] = xpad[n, c, o*s - pb + d*t] (0 on padding cells), where
    K = prod(kernel), flat() is the C-order (row-major) index over the kernel / output shape.
    Shape (N, C*K, L), L = prod(out) (like torch F.unfold).  Keeps the input dtype."""
    x = np.asarray(input)
    nd = _spatial_ndim(x)
    k, s, d, pads, out_shape = _conv_geometry(x, _ntuple(kernel_size, nd), stride, padding, dilation)
    K, L = math.prod(k), math.prod(out_shape)
    cols = np.empty((x.shape[0], x.shape[1] * K, L), dtype=x.dtype)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for col, o in enumerate(itertools.product(*(range(m) for m in out_shape))):
            for j, (_t, coord, inside, _) in enumerate(window_cells(o, x.shape[2:], k, s, d, pads)):
                index = (n, c, *coord)
                cols[n, c * K + j, col] = x[index] if inside else 0
    return cols


def col2im(cols, input_shape, kernel_size, stride=1, padding=0, dilation=1):
    """The adjoint of im2col (torch F.fold): x[n, c, p] = sum of cols[n, c*K + flat(t), flat(o)] over all
    (t, o) with o*s - pb + d*t == p, for every input cell p (contributions landing on padding are
    dropped).  `input_shape` is the full (N, C, *spatial) shape.  Returns float64."""
    cols = np.asarray(cols)
    input_shape = tuple(input_shape)
    template = np.empty(input_shape, dtype=np.int8)
    nd = _spatial_ndim(template)
    k, s, d, pads, out_shape = _conv_geometry(template, _ntuple(kernel_size, nd), stride, padding, dilation)
    K = math.prod(k)
    x = np.zeros(input_shape, dtype=np.float64)
    for n, c in itertools.product(range(input_shape[0]), range(input_shape[1])):
        for col, o in enumerate(itertools.product(*(range(m) for m in out_shape))):
            for j, (_t, coord, inside, _) in enumerate(window_cells(o, input_shape[2:], k, s, d, pads)):
                if inside:
                    index = (n, c, *coord)
                    x[index] += float(_item(cols, (n, c * K + j, col)))
    return x


# ------------------------------------------------------------------------------------ dense, activations

def dense(input, weight, bias=None):
    """y[..., j] = bias[j] + sum_i x[..., i] * W[j, i]   (W shaped (out_features, in_features), like torch
    F.linear: y = x @ W.T + b).  Returns float64."""
    x = np.asarray(input)
    w = np.asarray(weight)
    y = np.empty((*x.shape[:-1], w.shape[0]), dtype=np.float64)
    for lead in np.ndindex(*x.shape[:-1]):
        for j in range(w.shape[0]):
            total = 0.0 if bias is None else float(_item(np.asarray(bias), (j,)))
            for i in range(x.shape[-1]):
                total += float(_item(x, (*lead, i))) * float(_item(w, (j, i)))
            index = (*lead, j)
            y[index] = total
    return y


def _elementwise(x, f, dtype):
    y = np.empty(x.shape, dtype=dtype)
    for index in np.ndindex(*x.shape):
        y[index] = f(_item(x, index))
    return y


def relu(input):
    """y = max(x, 0) elementwise; NaN stays NaN.  Keeps the input dtype."""
    x = np.asarray(input)
    return _elementwise(x, lambda v: v if (v != v or v > 0) else 0, x.dtype)


def leaky_relu(input, negative_slope):
    """y = x if x >= 0 else negative_slope * x (NaN stays NaN).  Returns float64."""
    x = np.asarray(input)
    return _elementwise(x, lambda v: float(v) if v >= 0 else negative_slope * float(v), np.float64)


def _sigmoid(v):
    v = float(v)
    if math.isnan(v):
        return math.nan
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)  # same value as 1 / (1 + exp(-v)), written so that exp cannot overflow
    return e / (1.0 + e)


def sigmoid(input):
    """y = 1 / (1 + exp(-x)) elementwise.  Returns float64."""
    return _elementwise(np.asarray(input), _sigmoid, np.float64)


def tanh(input):
    """y = (exp(x) - exp(-x)) / (exp(x) + exp(-x)) elementwise, evaluated by math.tanh (which does not
    overflow).  Returns float64."""
    return _elementwise(np.asarray(input), lambda v: math.tanh(float(v)), np.float64)
