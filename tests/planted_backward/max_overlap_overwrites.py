"""Planted bug: `max_pool_backward`: where windows overlap, a cell chosen by several keeps only the last
window's gradient (the spec: they add up)."""

from __future__ import annotations

from . import _routing


def max_pool_backward(grad_output, input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    return _routing.max_pool_backward(grad_output, input, kernel_size, stride, padding, dilation, ceil_mode,
                                      overlap="overwrite")  # BUG
