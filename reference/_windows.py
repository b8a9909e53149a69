"""Sliding-window geometry: padding, output shape and the strided view for each kernel offset.

Ops loop over kernel offsets only (the im2col trick): for offset o along a dim, the cells read by all
output positions are padded[o*d : o*d + (out-1)*s + 1 : s], one strided slice.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from types import EllipsisType
from typing import Any

import numpy as np

from ._args import int_tuple, spatial_rank
from .shapes import Pair, output_size, resolve_padding


@dataclass(frozen=True)
class Geometry:
    spatial: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: tuple[Pair, ...]
    out: tuple[int, ...]
    # cells past the after-padding that ceil mode's last window overhangs; they are never counted
    overhang: tuple[int, ...]

    def offsets(self) -> Iterator[tuple[int, ...]]:
        return itertools.product(*(range(k) for k in self.kernel))

    def window_view(self, padded: np.ndarray, offset: tuple[int, ...]) -> np.ndarray:
        """The (N, C, *out) cells that kernel offset `offset` reads from the padded array."""
        slices = tuple(
            slice(o * d, o * d + (n - 1) * s + 1, s)
            for o, d, n, s in zip(offset, self.dilation, self.out, self.stride)
        )
        # A named tuple, not a star inside []: mypy rejects that for Python 3.10 even when parenthesised.
        index: tuple[EllipsisType | slice, ...] = (Ellipsis, *slices)
        return padded[index]

    def pad(self, x: np.ndarray, fill: Any) -> np.ndarray:
        """x with the resolved padding plus the ceil-mode overhang on its spatial dims, filled with `fill`."""
        widths = [(0, 0)] * (x.ndim - len(self.spatial)) + [
            (pb, pa + extra) for (pb, pa), extra in zip(self.padding, self.overhang)
        ]
        if not any(b or a for b, a in widths):
            return x
        return np.pad(x, widths, mode="constant", constant_values=fill)

    def cells_per_window(self, *, include_pad: bool) -> np.ndarray:
        """How many cells of each window (shape `out`) lie inside the input, plus the padding if asked.

        The count is a product of per-dim counts because a window is a box.
        """
        total = np.ones((), dtype=np.int64)
        for dim, (n, (pb, pa), extra) in enumerate(zip(self.spatial, self.padding, self.overhang)):
            inside = np.zeros(pb + n + pa + extra, dtype=np.int64)
            inside[pb : pb + n] = 1
            if include_pad:
                inside[:pb] = 1
                inside[pb + n : pb + n + pa] = 1
            k, d, s, out = self.kernel[dim], self.dilation[dim], self.stride[dim], self.out[dim]
            count = sum(inside[o * d : o * d + (out - 1) * s + 1 : s] for o in range(k))
            total = np.multiply.outer(total, count)
        return total


def geometry(
    x: np.ndarray,
    kernel_size: Any,
    stride: Any,
    padding: Any,
    dilation: Any,
    ceil_mode: bool,
    op: str,
    *,
    allow_causal: bool = False,
) -> Geometry:
    n_dims = spatial_rank(x)
    spatial = tuple(x.shape[2:])
    kernel = int_tuple(kernel_size, n_dims, "kernel_size", op)
    stride_t = kernel if stride is None else int_tuple(stride, n_dims, "stride", op)
    dilation_t = int_tuple(dilation, n_dims, "dilation", op)
    if isinstance(padding, str) and padding.lower() == "causal" and not allow_causal:
        raise ValueError(f"{op}: 'causal' padding is defined for 1-D convolution only, not for {op}")
    try:
        pads = resolve_padding(padding, spatial, kernel, stride_t, dilation_t)
        out = tuple(
            output_size(n, k, s, p, d, ceil_mode)
            for n, k, s, p, d in zip(spatial, kernel, stride_t, pads, dilation_t)
        )
    except (ValueError, TypeError) as err:
        message = str(err).split(": ", 1)[1]
        raise type(err)(f"{op}: {message} (input shape {x.shape})") from None
    overhang = tuple(
        max((o - 1) * s + d * (k - 1) + 1 - (n + pb + pa), 0)
        for o, s, d, k, n, (pb, pa) in zip(out, stride_t, dilation_t, kernel, spatial, pads)
    )
    return Geometry(spatial, kernel, stride_t, dilation_t, pads, out, overhang)
