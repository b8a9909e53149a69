"""Planted bug: `zero_pad` swaps before and after.

Each (before, after) pair is applied as (after, before): the output shape is right, but x lands shifted
whenever a dim's padding is asymmetric. Symmetric padding (an int, ints per dim) is right.
"""

from __future__ import annotations

import numpy as np

import reference
from reference.shapes import explicit_padding


def zero_pad(input, padding):
    if isinstance(padding, str):
        return reference.zero_pad(input, padding)
    pairs = explicit_padding(padding, np.asarray(input).ndim - 2, "zero_pad")
    return reference.zero_pad(input, tuple((after, before) for before, after in pairs))  # BUG
