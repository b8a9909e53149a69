"""Planted bug: `avg_pool` always divides by the full kernel size prod(kernel_size).

count_include_pad=False is ignored (padding cells are counted), and so is the rule that the part of a
ceil-mode window past the padding is never counted. divisor_override still wins. Correct for every
window that lies inside the input, or inside the input and its padding with count_include_pad=True.
"""

from __future__ import annotations

import numpy as np

import reference
from reference._args import int_tuple


def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None, dilation=1):
    if divisor_override is None:
        rank = np.asarray(input).ndim - 2
        divisor_override = int(np.prod(int_tuple(kernel_size, rank, "kernel_size", "avg_pool")))  # BUG
    return reference.avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                              divisor_override, dilation)
