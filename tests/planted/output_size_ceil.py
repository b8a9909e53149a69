"""Planted bug: the output size is rounded UP in floor mode.

`output_size(..., ceil_mode=False)` computes ceil((n + pb + pa - d*(k-1) - 1)/s) + 1 instead of
floor(...) + 1, and `max_pool` uses that size: asked for floor mode it keeps one more, partial window at
the end (read as if the padding went on; a window of padding only gives -inf). Right whenever
(n + pb + pa - d*(k-1) - 1) is divisible by s. ceil_mode=True is passed to the reference unchanged.
"""

from __future__ import annotations

import dataclasses

import numpy as np

import reference
from reference._args import as_input, is_float
from reference._windows import geometry
from reference.pooling import _reduce_windows


def output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    spec = reference.output_size(size, kernel_size, stride, padding, dilation, ceil_mode)  # validates
    if ceil_mode:
        return spec
    pb, pa = (padding, padding) if isinstance(padding, int) else padding
    span = size + pb + pa - dilation * (kernel_size - 1) - 1
    return -(-span // stride) + 1  # BUG: ceil where the spec says floor


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = as_input(input, "max_pool")
    if ceil_mode or not is_float(x.dtype):
        return reference.max_pool(x, kernel_size, stride, padding, dilation, ceil_mode)
    g = geometry(x, kernel_size, stride, padding, dilation, False, "max_pool")
    out = tuple(output_size(n, k, s, p, d) for n, k, s, p, d in  # the buggy size
                zip(g.spatial, g.kernel, g.stride, g.padding, g.dilation))
    overhang = tuple(max((o - 1) * s + d * (k - 1) + 1 - (n + pb + pa), 0) for o, s, d, k, n, (pb, pa)
                     in zip(out, g.stride, g.dilation, g.kernel, g.spatial, g.padding))
    g = dataclasses.replace(g, out=out, overhang=overhang)
    return _reduce_windows(g.pad(x, -np.inf), g, np.maximum)
