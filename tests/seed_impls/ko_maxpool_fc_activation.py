"""Seed 000_8fdaf83934e951b9.txt (Korean, github.com/Jun-yong-lee/pytorch_study): loop max pooling
(`Pool`), a fully connected layer (`FC`) and four activations, transcribed as posted (in `_seed000`).

The post's `Conv` class (`function.convolution`) is imported but never shown, so there is no conv here.
The copy lost all indentation; it is restored in the only way the code runs (`return C` after the loops).

Exposed API (channels-first, as the seed itself is): `max_pool` (2-D, square kernel, one stride, one
symmetric int pad), `dense` (2-D input, no bias), `relu`, `leaky_relu` (slope 0.1 only), `sigmoid`, `tanh`.
Anything else raises NotImplementedError.

Bugs in the seed code, each with an input that exposes it (tests/test_seed_impls.py checks every one):

1. `Pool.pool` reads `A[:, c, ...]`: the max runs over the whole batch, so every sample gets the batch-wide
   max. x of shape (2, 1, 2, 2), sample 0 all 0, sample 1 all 1, kernel 2: out[0, 0, 0, 0] is 1, not 0.
2. Padding is never applied: the window start `oh*stride - pad` goes negative and Python's negative
   slicing wraps around. x = [[4, 3], [2, 1]] (1, 1, 2, 2), kernel 3, stride 1, pad 1: out[0, 0, 0, 0] is
   x[1, 1] = 1 instead of 4 (slice [-1:2] is [1:2]); with x = arange(16) (1, 1, 4, 4), kernel 2,
   stride 2, pad 1 the slice [-1:1] is empty and np.amax raises ValueError (zero-size array).
3. `dilation` is stored and never used, in the windows and in the output size. x = arange(25)
   (1, 1, 5, 5), kernel 2, stride 2, dilation 2: out[0, 0, 0, 0] is 6 (max of x[0:2, 0:2]) instead of
   12 (max of x[0, 0], x[0, 2], x[2, 0], x[2, 2]).
4. The output is always float32 (`np.zeros(..., dtype=np.float32)`): float64 input is rounded.
   x = full((1, 1, 2, 2), 1 + 2**-30) float64, kernel 2: returns float32 1.0 instead of float64 1 + 2**-30.
5. `relu` returns -0.0 for -0.0 (`max(-0.0, 0)` keeps the first argument); the spec says +0.0.
6. `relu` changes dtype with the values: `max(v, 0)` returns the Python int 0 for v <= 0, so float32
   [-1, 2] comes back float64 and float32 [-1, -2] comes back int64.
7. `sigmoid` is 1/(1 + exp(-v)): exp overflows for very negative v (RuntimeWarning) and the result flushes
   to 0. float32 -100 gives 0.0 instead of 3.78e-44 (the float32 subnormal nearest e**-100 = 3.72e-44).

Correct parts (tested to agree with the reference): `Pool.pool` with batch 1, no padding, no dilation,
any stride; `FC.fc`; `leaky_relu` with slope 0.1; `tanh`; `relu` and `sigmoid` away from bugs 5-7.
Not a bug of the arithmetic, but worth knowing: `forward_net` reshapes X as [batch, in_c, in_w, in_h]
(W before H), harmless there because the demo is square.
"""

from __future__ import annotations

import numpy as np

from . import _seed000 as seed
from . import _translate as t

SEED = "seed 000 (ko Pool/FC/activations)"

# What the seed code takes (2-D max pooling with one kernel size, stride and symmetric pad; it takes a
# dilation and ignores it, bug 3; FC without bias; leaky_relu with its hard-coded slope)
CONFORMANCE_CAPABILITIES = {
    "max_pool": {"ranks": [2], "padding": "symmetric", "uniform_kernel": True, "uniform_stride": True,
                 "uniform_padding": True, "ceil_mode": False},
    "dense": {"bias": False},
    "leaky_relu": {"negative_slopes": [0.1]},
}


# ----------------------------------------------------------------------------------------------------
# Reference-API wrappers: argument translation only.
# ----------------------------------------------------------------------------------------------------

def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = t.array(input, SEED, (2,))
    kernel = t.one_int(kernel_size, 2, "kernel_size", SEED)
    s = t.one_int(t.stride_or_kernel(stride, kernel_size), 2, "stride", SEED)
    pad = t.symmetric_padding(padding, 2, SEED)
    d = t.one_int(dilation, 2, "dilation", SEED)  # the seed takes it (and ignores it: bug 3)
    t.no_ceil_mode(ceil_mode, SEED)
    n, c, h, w = x.shape
    layer = seed.Pool(batch=n, in_c=c, out_c=c, in_h=h, in_w=w, kernel=kernel, dilation=d, stride=s, pad=pad)
    return layer.pool(x)


def dense(input, weight, bias=None):
    x, w = np.asarray(input), np.asarray(weight)
    if x.ndim != 2:
        raise t.unsupported(SEED, f"input of ndim {x.ndim}: FC.fc flattens (batch, ...) rather than acting "
                                  "on the last axis, so only (N, in_features) input means the same thing")
    if bias is not None:
        raise t.unsupported(SEED, "a bias (FC.fc has none)")
    layer = seed.FC(batch=x.shape[0], in_c=x.shape[1], out_c=w.shape[0], in_h=1, in_w=1)
    return layer.fc(x, w)


def relu(input):
    return seed.relu(np.asarray(input))


def leaky_relu(input, negative_slope):
    if negative_slope != 0.1:
        raise t.unsupported(SEED, f"negative_slope={negative_slope!r}; its leaky_relu hard-codes 0.1")
    return seed.leaky_relu(np.asarray(input))


def sigmoid(input):
    return seed.sigmoid(np.asarray(input))


def tanh(input):
    return seed.tanh(np.asarray(input))
