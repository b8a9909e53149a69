"""Planted bug: `max_pool_backward`: a tied window sends its gradient to its LAST maximum (the spec: the
first in row-major window order)."""

from __future__ import annotations

from . import _routing


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return _routing.max_pool_backward(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,
                                      ties="last")  # BUG
