"""Planted bug: `max_pool` pads with 0 instead of -inf.

A window that overlaps the padding (or a ceil-mode overhang) then never returns less than 0: a window
whose input cells are all negative returns 0 instead of its largest cell. Windows inside the input, and
windows holding a non-negative cell, are right.
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
    return _reduce_windows(g.pad(x, 0), g, np.maximum)  # BUG: fill 0, the spec says -inf
