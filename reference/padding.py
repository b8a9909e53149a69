"""Zero padding of the spatial dims (Keras ZeroPadding1D/2D/3D, torch F.pad with mode='constant')."""

from __future__ import annotations

import numpy as np

from ._args import as_input, spatial_rank
from .shapes import explicit_padding


def zero_pad(input, padding):
    """y = x surrounded by zeros: spatial dim i grows from n_i to pb_i + n_i + pa_i; batch and channel
    dims are untouched, and y[..., pb_0 : pb_0 + n_0, ...] == x. The dtype is kept.

    `padding` is an int, one int per spatial dim, or one (before, after) pair per spatial dim. 'valid'
    means no padding; 'same', 'same_lower' and 'causal' need a kernel, so they are rejected here.
    """
    op = "zero_pad"
    x = as_input(input, op)
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return x.copy()
        why = "depends on a kernel" if mode in ("same", "same_lower", "causal") else "is not a padding form"
        raise ValueError(f"{op}: padding {padding!r} {why}; zero_pad takes 'valid', an int, ints per dim or "
                         "(before, after) pairs per dim")
    pairs = explicit_padding(padding, spatial_rank(x), op)
    return np.pad(x, [(0, 0), (0, 0), *pairs], mode="constant", constant_values=0)
