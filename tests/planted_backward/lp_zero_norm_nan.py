"""Planted bug: `lp_pool_backward` without the zero-norm rule: g * y^(1-p) is inf where a window's norm is 0,
and inf times the window's zero cells NaN (the spec: such a window sends no gradient)."""

from __future__ import annotations

import numpy as np

import reference


def lp_pool_backward(grad_output, input, norm_type, kernel_size, stride=None, padding=0, dilation=1,
                     ceil_mode=False):
    x = np.asarray(input, dtype=np.float64)
    p = float(norm_type)
    y = reference.lp_pool(x, p, kernel_size, stride, padding, dilation, ceil_mode).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = np.asarray(grad_output, dtype=np.float64) * y ** (1 - p)  # BUG: no guard where y == 0
        spread = reference.sum_pool_backward(scale, x, kernel_size, stride, padding, dilation, ceil_mode)
        grad = np.sign(x) * np.abs(x) ** (p - 1) * spread
    return grad.astype(np.asarray(input).dtype)
