"""Seed 004_513f91769ac2a8c4.txt (Chinese, "深度学习入坑篇-池化及numpy实现"): a loop `Pooling` layer for
max ("max") and average ("aveg") pooling with a backward pass, transcribed as posted (in `_seed004`).

Exposed API (channels-first, as the seed is): `max_pool` and `avg_pool` and their `*_backward` (the seed's
forward, then its backward), 2-D, square kernel, one stride,
no padding, no dilation, no ceil_mode, no divisor_override. Anything else raises NotImplementedError.

The wrapper builds the layer with `Pooling.__new__` and sets `type`, `ksize` and `stride` exactly as the
rest of `Pooling.__init__` would, because its first line always raises (bug 1): that line is inheritance
boilerplate, not arithmetic, and skipping it lets the suite test the pooling itself.

Bugs in the seed code, each with an input that exposes it (tests/test_seed_impls.py checks every one):

1. `super(Pooling).__init__(name)` (missing `self`) re-initialises a bare super object with a str:
   `Pooling("pool", 2, 2, "max")` raises TypeError ("super() argument 1 must be type, not str").
2. The output has h//stride x w//stride positions, whatever the kernel, instead of
   (h - k)//s + 1: too many when k > s, too few when k < s. x (1, 1, 5, 5), k 3, s 1 (the post's own
   5x5 / 3x3 / stride-1 example, which its text says gives 3x3): shape (1, 1, 5, 5); x (1, 1, 5, 5), k 1,
   s 2: shape (1, 1, 2, 2) instead of (1, 1, 3, 3).
3. The surplus windows of bug 2 are clipped at the edge and still reduced. For "aveg", np.mean divides
   by the clipped count: x = arange(25) (1, 1, 5, 5), k 3, s 1: out[0, 0, 4, 4] = 24 (a 1-cell window),
   out[0, 0, 0, 4] = mean(x[0:3, 4:5]) = 9. For "max", the arg-max bookkeeping
   `self.index[b, d, _x + index//ksize, _y + index%ksize] = 1` decodes a clipped window's flat index with
   the full ksize, so the same x = arange(25), k 3, s 1 raises IndexError (index 5 out of bounds for axis
   3) inside forward; with x = -arange(25) it does not, and returns the 5x5 of clipped-window maxima
   (out[0, 0, 4, 4] = x[4, 4] = -24).
4. The output is float64 (`np.zeros` default) for float32 input; the spec keeps the input's dtype.
5. `backward` spreads grad_out with np.repeat(stride), which is right only when ksize == stride and the
   stride divides h and w:
   a. max, x (1, 1, 5, 5), k 3, s 2 (where the forward is right): repeat gives 4x4 against the 5x5 index
      mask and raises ValueError (broadcast);
   b. aveg, x (1, 1, 6, 6), k 2, s 3 (forward right): cells outside every window get gradient,
      dx[0, 0, 2, 2] = g/4 instead of 0.
   (Also, the arg-max index of a clipped window is decoded with `index // ksize` on the wrong width.)

Correct parts (tested to agree with the reference): forward max and aveg whenever h//s == (h - k)//s + 1
(e.g. k == s, or k 3, s 2 on 5x5); backward when k == s divides h and w.
"""

from __future__ import annotations

from . import _seed004 as seed
from . import _translate as t

SEED = "seed 004 (zh Pooling)"

# What the seed layer takes: 2-D, one window size and stride, no padding
CONFORMANCE_CAPABILITIES = {
    op: {"ranks": [2], "padding": "none", "uniform_kernel": True, "uniform_stride": True,
         "dilation": False, "ceil_mode": False, "divisor_override_ranks": []}
    for op in ("max_pool", "avg_pool", "max_pool_backward", "avg_pool_backward")
}


def make_layer(ksize, stride, type):
    """A seed `Pooling` with the attributes `Pooling.__init__` sets after its failing super() line."""
    layer = seed.Pooling.__new__(seed.Pooling)
    layer.type = type
    layer.ksize = ksize
    layer.stride = stride
    return layer


def _layer(input, kernel_size, stride, padding, dilation, ceil_mode, type):
    x = t.array(input, SEED, (2,))
    k = t.one_int(kernel_size, 2, "kernel_size", SEED)
    s = t.one_int(t.stride_or_kernel(stride, kernel_size), 2, "stride", SEED)
    t.no_padding(padding, 2, SEED)
    t.no_dilation(dilation, 2, SEED)
    t.no_ceil_mode(ceil_mode, SEED)
    return x, make_layer(k, s, type)


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x, layer = _layer(input, kernel_size, stride, padding, dilation, ceil_mode, "max")
    return layer.forward(x)


def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None, dilation=1):
    x, layer = _layer(input, kernel_size, stride, padding, dilation, ceil_mode, "aveg")
    if divisor_override is not None:
        raise t.unsupported(SEED, "divisor_override (np.mean divides by the window's cell count)")
    # count_include_pad only matters with padding, which is rejected above.
    return layer.forward(x)


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """The seed's backward after its own forward (which records the arg-max mask it multiplies by)."""
    x, layer = _layer(input, kernel_size, stride, padding, dilation, ceil_mode, "max")
    layer.forward(x)
    return layer.backward(grad_output)


def avg_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                      count_include_pad=True, divisor_override=None, dilation=1):
    x, layer = _layer(input, kernel_size, stride, padding, dilation, ceil_mode, "aveg")
    if divisor_override is not None:
        raise t.unsupported(SEED, "divisor_override (np.mean divides by the window's cell count)")
    layer.forward(x)
    return layer.backward(grad_output)
