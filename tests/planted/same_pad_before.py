"""Planted bug: 'same' padding puts the odd extra cell BEFORE the input instead of after.

The spec (TF/Keras rule): total = max((ceil(n/s)-1)*s + d*(k-1) + 1 - n, 0), before = total // 2,
after = total - before. Here `max_pool` / `avg_pool` resolve 'same' to (after, before) instead, which
differs only when the total is odd. Every other padding form is passed through unchanged.
"""

from __future__ import annotations

import numpy as np

import reference


def _same_swapped(input, padding, kernel_size, stride, dilation):
    if not (isinstance(padding, str) and padding.lower() == "same"):
        return padding
    x = np.asarray(input)
    pairs = reference.resolve_padding(padding, x.shape[2:], kernel_size,
                                      kernel_size if stride is None else stride, dilation)
    return tuple((after, before) for before, after in pairs)  # BUG: odd cell before


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    padding = _same_swapped(input, padding, kernel_size, stride, dilation)
    return reference.max_pool(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None, dilation=1):
    padding = _same_swapped(input, padding, kernel_size, stride, dilation)
    return reference.avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                              divisor_override, dilation)
