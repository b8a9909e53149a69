"""Convolution (cross-correlation) built on im2col/col2im."""

from __future__ import annotations

import itertools

import numpy as np

from ._args import _is_int, accumulation_dtype, as_input, check_dtype, int_tuple, result_float_dtype
from ._windows import geometry
from .shapes import transpose_output_size, transpose_padding

# The im2col buffer of a conv chunk holds at most this many bytes, so conv's working memory (that buffer,
# the chunk's product, C_out/(C_in*K) of its size, and the chunk's padded input) stays fixed as the batch
# grows; the output itself is N-sized. A chunk is at least one output row (one index along the first
# spatial output dim, of one sample), however large that row's columns are.
COLUMN_BUDGET = 64 << 20


def im2col(input, kernel_size, stride=1, padding=0, dilation=1):
    """Unfold every window into a column, like torch F.unfold.

    cols[n, c*K + j, l] = xpad[n, c, pos_l*s + j*d], with K = prod(kernel_size), j the kernel offset in
    C order (row-major over the kernel dims) and l the output position in C order over the output shape.
    Returns an array shaped (N, C*K, L) with L = prod(out), out per dim from `output_size`; padding is
    zeros, and 'causal' is accepted for 1-D input.
    """
    op = "im2col"
    x = as_input(input, op)
    return _im2col(x, geometry(x, kernel_size, stride, padding, dilation, False, op, allow_causal=True))


def _im2col(x, g):
    n, c = x.shape[:2]
    padded = g.pad(x, 0)
    cols = np.empty((n, c, *g.kernel, *g.out), dtype=x.dtype)
    for offset in g.offsets():
        index = (slice(None), slice(None), *offset)
        cols[index] = g.window_view(padded, offset)
    return cols.reshape(n, c * int(np.prod(g.kernel)), int(np.prod(g.out)))


def col2im(cols, input_shape, kernel_size, stride=1, padding=0, dilation=1):
    """Fold columns back onto an input-shaped array, summing overlaps (the adjoint of im2col; torch F.fold).

    x[n, c, p] = sum over (j, l) with pos_l*s + j*d == p + pb of cols[n, c*K + j, l], for the cell p of the
    input (the padding cells are dropped). `input_shape` is the full (N, C, *spatial) shape.
    """
    op = "col2im"
    cols = np.asarray(cols)
    check_dtype(cols, op)
    input_shape = tuple(input_shape)
    if not 3 <= len(input_shape) <= 5 or not all(_is_int(v) and v >= 0 for v in input_shape):
        raise ValueError(f"{op}: input_shape must be (N, C, *spatial) with 1-3 spatial dims; "
                         f"got {input_shape}")
    template = np.empty(input_shape, dtype=np.int8)
    g = geometry(template, kernel_size, stride, padding, dilation, False, op, allow_causal=True)
    n, c = input_shape[:2]
    k, length = int(np.prod(g.kernel)), int(np.prod(g.out))
    if cols.shape != (n, c * k, length):
        raise ValueError(f"{op}: cols must be (N, C*prod(kernel), prod(out)) = {(n, c * k, length)} "
                         f"for input {input_shape}, kernel {g.kernel}; got {cols.shape}")
    cols = cols.reshape(n, c, *g.kernel, *g.out)
    padded_shape = [n, c] + [pb + size + pa + extra
                             for size, (pb, pa), extra in zip(g.spatial, g.padding, g.overhang)]
    padded = np.zeros(padded_shape, dtype=accumulation_dtype(cols.dtype))
    for offset in g.offsets():
        index = (slice(None), slice(None), *offset)
        g.window_view(padded, offset)[...] += cols[index]
    inner = (Ellipsis, *(slice(pb, pb + size) for size, (pb, _) in zip(g.spatial, g.padding)))
    return padded[inner].astype(result_float_dtype(cols.dtype), copy=False)


def _input_and_weight(input, weight, groups, op: str, layout: str) -> tuple[np.ndarray, np.ndarray]:
    """The input and weight as arrays, checked: numeric dtypes, a positive int groups, and a weight with
    the input's ndim (its layout named in the message)."""
    x = as_input(input, op)
    w = np.asarray(weight)
    check_dtype(w, op)
    if not _is_int(groups) or groups < 1:
        raise ValueError(f"{op}: groups must be a positive int; got {groups!r}")
    if w.ndim != x.ndim:
        raise ValueError(f"{op}: weight must be {layout} with ndim {x.ndim} to match input {x.shape}; got "
                         f"weight shape {w.shape}")
    return x, w


def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Cross-correlation, as torch F.conv1d/2d/3d (weight (C_out, C_in/groups, *kernel)):

        y[n, o, i] = bias[o] + sum_{c in group(o)} sum_j w[o, c', j] * xpad[n, c, i*s + j*d]

    where group(o) = g = o // (C_out/groups), c runs over g*(C_in/groups) .. (g+1)*(C_in/groups) - 1 and
    c' = c - g*(C_in/groups). Padding is zeros and takes every form of `resolve_padding` ('causal' for 1-D).
    Computed as cols = im2col(x) per group, y = W @ cols, a chunk of samples (or of output rows) at a time.
    Output dtype: a floating input's dtype (integer inputs give float64).
    """
    op = "conv"
    x, w = _input_and_weight(input, weight, groups, op, "(C_out, C_in/groups, *kernel)")
    n, c_in = x.shape[:2]
    c_out = w.shape[0]
    if c_in % groups or c_out % groups:
        raise ValueError(f"{op}: C_in and C_out must be divisible by groups; got C_in={c_in}, C_out={c_out}, "
                         f"groups={groups}")
    if w.shape[1] != c_in // groups:
        raise ValueError(f"{op}: weight.shape[1] must be C_in/groups = {c_in}/{groups} = {c_in // groups}; "
                         f"got weight shape {w.shape} for input shape {x.shape}")
    g = geometry(x, w.shape[2:], stride, padding, dilation, False, op, allow_causal=True)
    acc = np.result_type(accumulation_dtype(x.dtype), accumulation_dtype(w.dtype))
    b = None
    if bias is not None:
        b = np.asarray(bias)
        check_dtype(b, op)
        if b.shape != (c_out,):
            raise ValueError(f"{op}: bias must have shape (C_out,) = ({c_out},); got {b.shape}")
        b = b.astype(acc, copy=False).reshape((c_out,) + (1,) * (1 + len(g.out)))
    w_groups = w.astype(acc, copy=False).reshape(groups, c_out // groups, -1)
    y = np.empty((n, c_out, *g.out), dtype=result_float_dtype(x.dtype))
    row_size = c_in * int(np.prod(g.kernel)) * int(np.prod(g.out[1:]))
    samples, rows = _chunk_shape(n, g.out[0], row_size * acc.itemsize)
    # one buffer for every chunk: a fresh one per chunk costs its page faults each time
    buffer = np.empty(row_size * rows * min(samples, n), dtype=acc)
    for n0 in range(0, n, samples):
        batch = slice(n0, n0 + samples)
        padded = g.pad(x[batch], 0)
        for r0 in range(0, g.out[0], rows):
            out_rows = slice(r0, r0 + rows)
            cols, chunk_shape = _columns(padded, g, out_rows, buffer)
            part = np.matmul(w_groups, cols.reshape(groups, cols.shape[0] // groups, cols.shape[1]))
            part = part.reshape(c_out, *chunk_shape)
            if b is not None:
                part += b
            y[batch, :, out_rows] = part.swapaxes(0, 1)  # the one rounding to the output dtype
    return y


def _chunk_shape(n: int, rows: int, row_bytes: int) -> tuple[int, int]:
    """(samples, output rows) per chunk: whole samples while their columns fit COLUMN_BUDGET, else some
    rows of one sample."""
    fit = COLUMN_BUDGET // max(row_bytes, 1)
    if fit >= rows:
        return max(1, min(n, fit // max(rows, 1))), rows
    return 1, max(1, fit)


def _columns(padded, g, rows, buffer):
    """The columns of the output positions whose first spatial index is in `rows`, for every sample of
    `padded`, written into `buffer`: cols[c*K + j, m] with m running over (n, *out) in C order, i.e. the
    im2col columns of the samples side by side. Returns cols and that (n, *out) shape."""
    n, c = padded.shape[:2]
    k = int(np.prod(g.kernel))
    shape = (n, len(range(g.out[0])[rows]), *g.out[1:])
    cols = buffer[: c * k * int(np.prod(shape))].reshape(c, *g.kernel, *shape)
    for offset in g.offsets():
        index = (slice(None), *offset)
        # the assignment casts to the accumulation dtype: no float64 copy of the input is made
        cols[index] = g.window_view(padded, offset)[:, :, rows].swapaxes(0, 1)
    return cols.reshape(c * k, int(np.prod(shape))), shape


def conv_transpose(input, weight, bias=None, stride=1, padding=0, output_padding=None, dilation=1, groups=1):
    """Transposed convolution, as torch F.conv_transpose1d/2d/3d (weight (C_in, C_out/groups, *kernel)):
    every input cell scatters its weighted copy of the kernel onto the output,

        full[n, o, i*s + j*d] += sum_{c in group(o)} x[n, c, i] * w[c, o', j]
        y = full[..., pb : pb + out] + bias[o]

    with o' = o - g*(C_out/groups) for o in group g, and full (n-1)*s + d*(k-1) + 1 + output_padding long.
    out = (n-1)*s - pb - pa + d*(k-1) + output_padding + 1 per dim; the padding (an int, ints, pairs, or
    Keras' 'valid'/'same') and output_padding resolve as `transpose_padding` states (output_padding None:
    0 for explicit padding, Keras' default for 'valid'/'same'). It is the adjoint of conv in x: conv's
    gradient for its input. Sums accumulate in float64; a floating input keeps its dtype.
    """
    op = "conv_transpose"
    x, w = _input_and_weight(input, weight, groups, op, "(C_in, C_out/groups, *kernel)")
    n, c_in = x.shape[:2]
    if w.shape[0] != c_in or c_in % groups:
        raise ValueError(f"{op}: weight.shape[0] must be C_in = {c_in}, divisible by groups = {groups}; "
                         f"got weight shape {w.shape} for input shape {x.shape}")
    rank = x.ndim - 2
    kernel = tuple(int(k) for k in w.shape[2:])
    if min(kernel) < 1:
        raise ValueError(f"{op}: kernel_size must be positive; got weight shape {w.shape}")
    s = int_tuple(stride, rank, "stride", op)
    d = int_tuple(dilation, rank, "dilation", op)
    pads, extra = transpose_padding(padding, x.shape[2:], kernel, s, d, output_padding, op)
    out = tuple(transpose_output_size(*args, op=op) for args in zip(x.shape[2:], kernel, s, pads, d, extra))
    c_out = (w.shape[1]) * groups
    full = [(size - 1) * si + di * (k - 1) + 1 + e
            for size, si, di, k, e in zip(x.shape[2:], s, d, kernel, extra)]
    acc = np.result_type(accumulation_dtype(x.dtype), accumulation_dtype(w.dtype))
    buffer = np.zeros([n, c_out, *(max(f, pb + o) for f, (pb, _), o in zip(full, pads, out))], dtype=acc)
    xg = x.astype(acc, copy=False).reshape(n, groups, c_in // groups, -1)
    wg = w.astype(acc, copy=False).reshape(groups, c_in // groups, c_out // groups, *kernel)
    for offset in itertools.product(*(range(k) for k in kernel)):
        wj = wg[(slice(None),) * 3 + tuple(offset)]
        contribution = np.einsum("ngcl,gco->ngol", xg, wj).reshape(n, c_out, *x.shape[2:])
        taps = tuple(slice(j * di, j * di + (size - 1) * si + 1, si)
                     for j, di, size, si in zip(offset, d, x.shape[2:], s))
        target: tuple = (Ellipsis, *taps)
        buffer[target] += contribution
    kept: tuple = (Ellipsis, *(slice(pb, pb + o) for (pb, _), o in zip(pads, out)))
    y = buffer[kept]
    if bias is not None:
        b = np.asarray(bias)
        check_dtype(b, op)
        if b.shape != (c_out,):
            raise ValueError(f"{op}: bias must have shape (C_out,) = ({c_out},); got {b.shape}")
        y = y + b.astype(acc, copy=False).reshape((c_out,) + (1,) * rank)
    return y.astype(result_float_dtype(x.dtype), copy=False)
