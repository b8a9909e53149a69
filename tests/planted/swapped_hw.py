"""Planted bug: 2-D pooling swaps H and W of kernel_size and stride.

For 2-D input, `max_pool` / `avg_pool` read kernel_size=(kh, kw) and stride=(sh, sw) as (kw, kh) and
(sw, sh), as code that mixes up (rows, cols) with (width, height) does. Invisible for square kernels and
strides, and for 1-D and 3-D input (passed through unchanged).
"""

from __future__ import annotations

import reference


def _swap(value):
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return (value[1], value[0])
    return value


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    if getattr(input, "ndim", 0) == 4:
        kernel_size, stride = _swap(kernel_size), _swap(stride)  # BUG
    return reference.max_pool(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
             divisor_override=None, dilation=1):
    if getattr(input, "ndim", 0) == 4:
        kernel_size, stride = _swap(kernel_size), _swap(stride)  # BUG
    return reference.avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                              divisor_override, dilation)
