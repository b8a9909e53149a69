"""Planted bug: `avg_pool_backward` divides every window's gradient by the full kernel size, whatever
count_include_pad, divisor_override or the ceil-mode overhang say (the spec: the forward divisor)."""

from __future__ import annotations

from math import prod

import numpy as np

import reference


def avg_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, ceil_mode=False,
                      count_include_pad=True, divisor_override=None, dilation=1):
    x = np.asarray(input)
    rank = x.ndim - 2
    kernel = (kernel_size,) * rank if isinstance(kernel_size, int) else tuple(kernel_size)
    # BUG: the sum pool's gradient over prod(kernel), not over the forward pass's divisor
    summed = reference.sum_pool_backward(grad_output, input, kernel_size, stride, padding, dilation,
                                         ceil_mode)
    return (summed / prod(kernel)).astype(summed.dtype)
