"""Planted bug: `relu_backward` passes the gradient at x == 0 (x >= 0; the spec: relu'(0) = 0)."""

from __future__ import annotations

import numpy as np


def relu_backward(grad_output, input):
    x = np.asarray(input)
    return np.where(x >= 0, grad_output, 0).astype(x.dtype)  # BUG: >= instead of >
