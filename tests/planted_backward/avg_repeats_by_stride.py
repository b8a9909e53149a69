"""Planted bug (the zh seed's): `avg_pool_backward` spreads the gradient with np.repeat by the stride,
right only when kernel == stride divides the input (the spec: each window's share to the cells it read)."""

from __future__ import annotations

import numpy as np


def avg_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                      count_include_pad=True, divisor_override=None, dilation=1):
    x = np.asarray(input)
    rank = x.ndim - 2
    k = (kernel_size,) * rank if isinstance(kernel_size, int) else tuple(kernel_size)
    s = k if stride is None else ((stride,) * rank if isinstance(stride, int) else tuple(stride))
    g = np.asarray(grad_output, dtype=np.float64)
    for axis, step in enumerate(s):  # BUG: repeat by the stride, crop or zero-fill to the input
        g = np.repeat(g, step, axis=2 + axis)
    out = np.zeros(x.shape)
    region = tuple(slice(0, min(a, b)) for a, b in zip(x.shape, g.shape))
    out[region] = g[region]
    return (out / np.prod(k)).astype(x.dtype)
