"""Seed 001_b99ffe26e7130a52.txt (Korean blog "Pooling Layer"): the "Manual" numpy loops the post checks
against Keras MaxPooling1D/2D and AveragePooling1D/2D, transcribed as posted (in `_seed001`).

The post's code uses module globals (`L, f, s` and `N, n_H, n_W, n_C`, some garbled in the copy:
`L, f, s = 1021` is `10, 2, 1`); here they are parameters, with L / n_H / n_W / n_C read from the NHWC
array the seed pools (its `x` is the TF tensor `tf.random.normal(shape=(N, n_H, n_W, n_C))`).

Exposed API (channels-first): `max_pool` and `avg_pool` for 1-D and 2-D input, no padding, no dilation,
no ceil_mode, square kernel and one stride. The wrappers feed the seed one NHWC sample (batch 1) at a time,
as the post does, and per channel for the single-channel snippets:
- 1-D max/avg: the "1D Max Pooling" / "1D Average Pooling" snippets, per (sample, channel);
- 2-D avg: the "2D Average Pooling" snippet, per (sample, channel);
- 2-D max: C == 1 uses the single-channel "2D Max Pooling" snippet, C > 1 the multi-channel
  "3D Max Pooling" snippet (the one case the post wrote each for).

Bugs in the seed code, each with an input that exposes it (tests/test_seed_impls.py checks every one):

1. Stride is ignored by the 1-D max/avg and single-channel 2-D max/avg snippets: the output always has
   L - f + 1 positions, windows x[i:i+f] for every i. (The post only ran them with s = 1, where they match
   Keras.) x = arange(10) (1, 1, 10), kernel 2, stride 2: shape (1, 1, 9) instead of (1, 1, 5), and
   out[0, 0, 1] = 2 instead of 3.
2. The output dtype is always float64 (`np.zeros` default): float32 input gives float64, and integer
   input to max pooling (which keeps its dtype in the spec) gives float64 too.
3. `x.numpy().squeeze()` squeezes every size-1 dim, not just batch/channel:
   a. single-channel 2-D snippet, H == 1: x (1, 1, 1, 4), kernel 1: IndexError (the squeezed x is 1-D);
   b. multi-channel snippet, C == 1: x (1, 1, 4, 4) given to `max_pool_2d_multichannel` directly:
      IndexError (`x[:, :, c]` on a 2-D array);
   c. multi-channel snippet, N == 2 (the snippet has no batch loop; the wrapper feeds one sample at a
      time, so only a direct call reaches this): x (2, 4, 4, 3) NHWC, f = s = 2: nothing squeezes,
      `x[:, :, c]` indexes the W axis, the windows run over the (N, H) axes, and the window at h = 2 on
      the size-2 batch axis is empty: ValueError (zero-size array to reduction operation maximum).

Correct parts (tested to agree): stride-1 1-D/2-D max/avg for H, W >= 2; the multi-channel strided
snippet (`math.floor((n_H - f)/s + 1)` and `range(0, n_H - f + 1, s)`) for C > 1, batch 1.
"""

from __future__ import annotations

import numpy as np

from . import _seed001 as seed
from . import _translate as t

SEED = "seed 001 (ko manual pooling vs Keras)"

# What the seed snippets take: 1-D and 2-D windows of one size and stride, no padding
CONFORMANCE_CAPABILITIES = {
    op: {"ranks": [1, 2], "padding": "none", "uniform_kernel": True, "uniform_stride": True,
         "dilation": False, "ceil_mode": False, "divisor_override_ranks": []}
    for op in ("max_pool", "avg_pool")
}


# ----------------------------------------------------------------------------------------------------
# Reference-API wrappers: layout and argument translation only.
# ----------------------------------------------------------------------------------------------------

def _per_channel(x, snippet, f, s):
    """Run a single-channel snippet on each (sample, channel) as the NHWC (1, *spatial, 1) it expects."""
    n, c = x.shape[:2]
    rows = [[snippet(x[i, j][None, ..., None], f, s) for j in range(c)] for i in range(n)]
    return np.array(rows)


def _kernel_stride(x, kernel_size, stride, padding, dilation, ceil_mode):
    dims = x.ndim - 2
    f = t.one_int(kernel_size, dims, "kernel_size", SEED)
    s = t.one_int(t.stride_or_kernel(stride, kernel_size), dims, "stride", SEED)
    t.no_padding(padding, dims, SEED)
    t.no_dilation(dilation, dims, SEED)
    t.no_ceil_mode(ceil_mode, SEED)
    return f, s


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = t.array(input, SEED, (1, 2))
    f, s = _kernel_stride(x, kernel_size, stride, padding, dilation, ceil_mode)
    if x.ndim == 3:
        return _per_channel(x, seed.max_pool_1d, f, s)
    if x.shape[1] == 1:
        return _per_channel(x, seed.max_pool_2d, f, s)
    per_sample = [seed.max_pool_2d_multichannel(sample.transpose(1, 2, 0)[None], f, s) for sample in x]
    return np.array(per_sample).transpose(0, 3, 1, 2)  # (N, H', W', C) -> (N, C, H', W')


def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None, dilation=1):
    x = t.array(input, SEED, (1, 2))
    f, s = _kernel_stride(x, kernel_size, stride, padding, dilation, ceil_mode)
    if divisor_override is not None:
        raise t.unsupported(SEED, "divisor_override (np.mean divides by the window size)")
    # count_include_pad only matters with padding, which is rejected above.
    return _per_channel(x, seed.avg_pool_1d if x.ndim == 3 else seed.avg_pool_2d, f, s)
