"""Planted bug: `leaky_relu_backward` gives slope 1 at x == 0 (the spec: negative_slope)."""

from __future__ import annotations

import numpy as np


def leaky_relu_backward(grad_output, input, negative_slope):
    x = np.asarray(input)
    g = np.asarray(grad_output, dtype=np.float64)
    return np.where(x >= 0, g, negative_slope * g).astype(x.dtype)  # BUG: >= instead of >
