"""Planted bug: `max_pool_backward`: a window that reads only padding sends its gradient to the plane's first
cell (the spec: nowhere)."""

from __future__ import annotations

from . import _routing


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return _routing.max_pool_backward(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,
                                      empty="first cell")  # BUG
