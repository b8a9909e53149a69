"""Planted bug: `max_pool_backward`: a window holding NaN sends its gradient to its largest number, as if the
NaN were not there (the spec: to its first NaN)."""

from __future__ import annotations

from . import _routing


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return _routing.max_pool_backward(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,
                                      nan="ignored")  # BUG
