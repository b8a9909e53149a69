"""Seed 003_816896a507cb48a9.txt (Japanese, "【pythonでCNN#7】Pooling層"): `im2col`, `col2im` and a max
`Pooling` layer with its backward pass, transcribed as posted (in `_seed003`).

Exposed API (channels-first, as the seed is): `max_pool`, `im2col`, `col2im`, 2-D only, square kernels,
and the backward passes `max_pool_backward` (the seed's forward, then `Pooling.backward`) and
`im2col_backward` (the seed's `col2im` of the cotangent).
- `max_pool`: the seed's `Pooling(pool)`, whose stride is the pool size and whose one output-size rule is
  ceil(n / pool) (`x_h//pool` or `x_h//pool + 1`), without padding. That is the reference with
  stride = kernel, padding 0 and ceil_mode=True; with ceil_mode=False it is the same rule only when pool
  divides H and W, so other ceil_mode=False cases are not expressible. Other strides, padding and dilation
  are not expressible.
- `im2col` / `col2im`: the seed's functions take the (square) output size `y_size` from their caller; the
  wrapper passes out = (n + 2*pad - k)//stride + 1 and declines (NotImplementedError) when out differs
  between H and W. Layout: the seed's (C*K, N*L) matrix, rows (c, fh, fw) and columns (n, oh, ow), is the
  transpose of the reference's (N, C*K, L) per sample.

Bugs in the seed code, each with an input that exposes it (tests/test_seed_impls.py checks every one):

1. `Pooling.forward` sizes the output with ceil(n / pool) but never pads, so whenever pool does not divide
   H (or W) the strided slice `x_pad[:, :, h:h2:stride, ...]` is one row short and the assignment raises
   ValueError (broadcast). x (1, 1, 5, 5), pool 2 (ceil_mode=True): the reference returns the 3x3 result
   with clipped edge windows; the seed raises.
2. `Pooling.forward` passes `self.y_h` as im2col's single `y_size`, so the output is square even when the
   input is not: x (1, 1, 4, 6), pool 2 raises ValueError (cannot reshape 4 values into (1, 2, 3, 1))
   instead of returning shape (1, 1, 2, 3); x (1, 1, 6, 4) raises in im2col (broadcast).
3. Everything is computed in `np.zeros(...)` float64: max_pool of float32 or of integer input (the post's
   own demo input is `np.random.randint`) returns float64, and im2col/col2im of float32 return float64; the
   spec keeps float dtypes and max pooling keeps integer dtypes.

Correct parts (tested to agree with the reference): `Pooling.forward` when pool divides H and W (any
batch, channels); `Pooling.backward` there (max routed to the first arg-max; tested against the
reference's vector-Jacobian product); `im2col` and `col2im` (which sums overlapping windows) for square
outputs with any stride and pad.
"""

from __future__ import annotations

import numpy as np

from . import _seed003 as seed
from . import _translate as t

SEED = "seed 003 (ja im2col/col2im/Pooling)"

# What the seed code takes: 2-D, square windows; Pooling strides by its pool size without padding;
# im2col takes one output size for both dims (square input)
CONFORMANCE_CAPABILITIES = {
    **{op: {"ranks": [2], "padding": "none", "uniform_kernel": True, "stride_is_kernel": True,
            "dilation": False} for op in ("max_pool", "max_pool_backward")},
    **{op: {"ranks": [2], "padding": "symmetric", "uniform_kernel": True, "uniform_stride": True,
            "uniform_padding": True, "uniform_spatial": True, "dilation": False}
       for op in ("im2col", "im2col_backward")},
}


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = t.array(input, SEED, (2,))
    pool = t.one_int(kernel_size, 2, "kernel_size", SEED)
    if stride is not None and t.per_dim(stride, 2, "stride") != (pool, pool):
        raise t.unsupported(SEED, f"stride {stride!r} != kernel_size {pool} "
                                  "(Pooling strides by the pool size)")
    t.no_padding(padding, 2, SEED)
    t.no_dilation(dilation, 2, SEED)
    if not ceil_mode and (x.shape[2] % pool or x.shape[3] % pool):
        raise t.unsupported(SEED, f"ceil_mode=False for spatial shape {x.shape[2:]} not divisible by pool "
                                  f"{pool}: its only output-size rule is ceil(n / pool)")
    return seed.Pooling(pool).forward(x)


def _geometry(spatial, kernel_size, stride, padding, dilation):
    fil = t.one_int(kernel_size, 2, "kernel_size", SEED)
    s = t.one_int(stride, 2, "stride", SEED)
    pad = t.symmetric_padding(padding, 2, SEED)
    t.no_dilation(dilation, 2, SEED)
    outs = {(n + 2 * pad - fil) // s + 1 for n in spatial}
    if len(outs) != 1:
        raise t.unsupported(SEED, f"a non-square output for spatial shape {tuple(spatial)}: "
                                  "im2col/col2im take one y_size for both dims")
    (y_size,) = outs
    if y_size < 1:
        raise ValueError(f"{SEED}: no window fits (out = (n + 2*pad - k)//s + 1 = {y_size}), so there is no "
                         "y_size to give the seed")
    return fil, y_size, s, pad


def im2col(input, kernel_size, stride=1, padding=0, dilation=1):
    x = t.array(input, SEED, (2,))
    fil, y_size, s, pad = _geometry(x.shape[2:], kernel_size, stride, padding, dilation)
    cols = seed.im2col(x, fil, y_size, s, pad)  # (C*K, N*L)
    n = x.shape[0]
    return cols.reshape(cols.shape[0], n, -1).transpose(1, 0, 2)


def col2im(cols, input_shape, kernel_size, stride=1, padding=0, dilation=1):
    cols = np.asarray(cols)
    input_shape = tuple(input_shape)
    if len(input_shape) != 4:
        raise t.unsupported(SEED, f"{len(input_shape) - 2} spatial dims; it handles 2")
    fil, y_size, s, pad = _geometry(input_shape[2:], kernel_size, stride, padding, dilation)
    n, ck, length = cols.shape
    return seed.col2im(cols.transpose(1, 0, 2).reshape(ck, n * length), input_shape, fil, y_size, s, pad)


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """The seed's `Pooling.backward` after its own forward (which records the arg-max per window)."""
    max_pool(input, kernel_size, stride, padding, dilation, ceil_mode)  # the same argument checks
    layer = seed.Pooling(t.one_int(kernel_size, 2, "kernel_size", SEED))
    layer.forward(np.asarray(input))
    return layer.backward(np.asarray(grad_output))


def im2col_backward(grad_output, input, kernel_size, stride=1, padding=0, dilation=1):
    """The gradient of im2col is the seed's col2im of the cotangent columns."""
    return col2im(grad_output, np.shape(input), kernel_size, stride, padding, dilation)
