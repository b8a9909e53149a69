"""Planted bug: `max_pool` ignores NaN (np.fmax semantics) instead of propagating it.

A window holding a NaN and at least one number returns the largest number; the spec (and torch, Keras)
return NaN. Windows without NaN, and windows of NaN only, are right.
"""

from __future__ import annotations

import numpy as np

import reference
from reference._args import as_input, is_float
from reference._windows import geometry
from reference.pooling import _reduce_windows


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    x = as_input(input, "max_pool")
    if not is_float(x.dtype):
        return reference.max_pool(x, kernel_size, stride, padding, dilation, ceil_mode)
    g = geometry(x, kernel_size, stride, padding, dilation, ceil_mode, "max_pool")
    return _reduce_windows(g.pad(x, -np.inf), g, np.fmax)  # BUG: fmax drops NaN; the spec is np.maximum
