"""Seed 002_27c37d9ef44a1db8.txt (Korean notes on "Deep Learning from Scratch" 7.4): `im2col` (two
variants), a `Conv` layer on top of it and a max `Pooling` layer, transcribed as posted (in `_seed002`).

Exposed API (channels-first, as the seed is): `im2col` and `conv` (2-D, any kernel shape, one stride for
both dims, one symmetric int pad, no dilation, groups 1) and `max_pool` (2-D), and the backward passes
`conv_backward` and `max_pool_backward` (each runs the seed's forward, then its backward). The seed's
im2col rows are (n, oh, ow) and its columns (c, fh, fw); the wrapper reshapes that (N*L, C*K) matrix
to the reference's (N, C*K, L). `bias=None` is passed to the seed as b = 0 (its `Conv` always adds `self.b`).

Bugs in the seed code, each with an input that exposes it (tests/test_seed_impls.py checks every one):

1. `Conv.forward` computes `out_h = int(1 + H + 2*pad - FH/stride)` (and the same for out_w): the
   parentheses of (H + 2*pad - FH)/stride are missing. Right for stride 1 only. With stride 2:
   a. x (1, 1, 7, 7), W (1, 1, 3, 3): out_h = int(1 + 7 - 1.5) = 6, and reshaping the 9 im2col rows into
      (1, 6, 6, -1) raises ValueError;
   b. x (1, 1, 7, 7), W (4, 1, 3, 3): the 36 values do fit (1, 6, 6, 1), so it silently returns shape
      (1, 1, 6, 6) instead of (1, 4, 3, 3).
2. `Pooling.forward` reads `self.W` (copied from Conv; the book has `col.reshape(...)`): every call raises
   AttributeError ('Pooling' object has no attribute 'W'), e.g. on x (1, 1, 4, 4), 2x2 pool, stride 2.
   Behind it, its out_h/out_w ignore `pad` while im2col pads (latent: unreachable past the AttributeError).
3. `Conv.backward` and `Pooling.backward` use `self.x`, `self.col`, `self.col_W`, `self.arg_max`, which
   forward never stores, and `col2im`, which the post never defines: both raise AttributeError.
4. im2col allocates `np.zeros(...)` (float64), so im2col and conv of float32 input return float64 (the
   spec keeps the input's floating dtype).

Correct parts (tested to agree with the reference): both im2col variants for any stride and pad;
`Conv.forward` with stride 1, any pad, non-square kernels, several channels and a bias.
"""

from __future__ import annotations

import numpy as np

from . import _seed002 as seed
from . import _translate as t

SEED = "seed 002 (ko im2col/Conv/Pooling)"

# What the seed code takes: 2-D, one stride and one symmetric int pad, no dilation, no groups
CONFORMANCE_CAPABILITIES = {
    "im2col": {"ranks": [2], "padding": "symmetric", "uniform_stride": True, "uniform_padding": True,
               "dilation": False},
    **{op: {"ranks": [2], "padding": "symmetric", "uniform_stride": True, "uniform_padding": True,
            "dilation": False, "groups": False, "causal": False} for op in ("conv", "conv_backward")},
    **{op: {"ranks": [2], "padding": "symmetric", "uniform_stride": True, "uniform_padding": True,
            "dilation": False, "ceil_mode": False} for op in ("max_pool", "max_pool_backward")},
}


def _stride_pad(stride, padding, dilation):
    s = t.one_int(stride, 2, "stride", SEED)
    pad = t.symmetric_padding(padding, 2, SEED)
    t.no_dilation(dilation, 2, SEED)
    return s, pad


def seed_im2col_in_reference_layout(seed_im2col, input, kernel_size, stride=1, padding=0, dilation=1):
    """Run one of the seed's im2col variants and reshape its (N*L, C*K) matrix, rows (n, oh, ow) and
    columns (c, fh, fw), to the reference's (N, C*K, L)."""
    x = t.array(input, SEED, (2,))
    fh, fw = t.per_dim(kernel_size, 2, "kernel_size")
    s, pad = _stride_pad(stride, padding, dilation)
    rows = seed_im2col(x, fh, fw, s, pad)
    n = x.shape[0]
    return rows.reshape(n, rows.shape[0] // n, rows.shape[1]).transpose(0, 2, 1)


def im2col(input, kernel_size, stride=1, padding=0, dilation=1):
    return seed_im2col_in_reference_layout(seed.im2col, input, kernel_size, stride, padding, dilation)


def conv(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    x = t.array(input, SEED, (2,))
    s, pad = _stride_pad(stride, padding, dilation)
    if groups != 1:
        raise t.unsupported(SEED, f"groups={groups!r}")
    b = 0 if bias is None else np.asarray(bias)
    return seed.Conv(np.asarray(weight), b, stride=s, pad=pad).forward(x)


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = t.array(input, SEED, (2,))
    pool_h, pool_w = t.per_dim(kernel_size, 2, "kernel_size")
    s, pad = _stride_pad(t.stride_or_kernel(stride, kernel_size), padding, dilation)
    t.no_ceil_mode(ceil_mode, SEED)
    return seed.Pooling(pool_h, pool_w, stride=s, pad=pad).forward(x)


def conv_backward(grad_output, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """The seed's `Conv.backward` after its own forward: (dx, layer.dW, layer.db) as the post leaves them."""
    x = t.array(input, SEED, (2,))
    s, pad = _stride_pad(stride, padding, dilation)
    if groups != 1:
        raise t.unsupported(SEED, f"groups={groups!r}")
    layer = seed.Conv(np.asarray(weight), 0 if bias is None else np.asarray(bias), stride=s, pad=pad)
    layer.forward(x)
    dx = layer.backward(np.asarray(grad_output))
    return dx, layer.dW, None if bias is None else layer.db


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = t.array(input, SEED, (2,))
    pool_h, pool_w = t.per_dim(kernel_size, 2, "kernel_size")
    s, pad = _stride_pad(t.stride_or_kernel(stride, kernel_size), padding, dilation)
    t.no_ceil_mode(ceil_mode, SEED)
    layer = seed.Pooling(pool_h, pool_w, stride=s, pad=pad)
    layer.forward(x)
    return layer.backward(np.asarray(grad_output))
