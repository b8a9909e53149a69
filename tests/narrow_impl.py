"""A classic from-scratch layer, adapted to the reference API as README's guide shows: 2-D only, one
stride, one symmetric pad, a square window, float32/float64; it declares exactly that."""

from __future__ import annotations

import numpy as np

CONFORMANCE_CAPABILITIES = {
    "max_pool": {"ranks": [2], "padding": "symmetric", "uniform_stride": True, "uniform_kernel": True,
                 "uniform_padding": True,
                 "dilation": False, "ceil_mode": False, "divisor_override_ranks": []},
}


class Pooling:
    """The textbook max pooling layer: im2col-style windows, pad with -inf."""

    def __init__(self, pool_h: int, pool_w: int, stride: int = 1, pad: int = 0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

    def forward(self, x: np.ndarray) -> np.ndarray:
        n, c, h, w = x.shape
        out_h = (h + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (w + 2 * self.pad - self.pool_w) // self.stride + 1
        padded = np.pad(x, [(0, 0), (0, 0), (self.pad, self.pad), (self.pad, self.pad)],
                        constant_values=-np.inf)
        out = np.full((n, c, out_h, out_w), -np.inf, dtype=x.dtype)
        for i in range(self.pool_h):
            for j in range(self.pool_w):
                rows = slice(i, i + self.stride * out_h, self.stride)
                cols = slice(j, j + self.stride * out_w, self.stride)
                window = padded[:, :, rows, cols]
                out = np.maximum(out, window)
        return out


def max_pool(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """The adapter: only translates arguments (the declared capabilities keep the rest out)."""
    pad = 0 if padding == "valid" else padding
    k = kernel_size[0]
    s = k if stride is None else stride[0]
    return Pooling(k, k, s, pad).forward(x)
