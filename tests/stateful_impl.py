"""An --impl module whose answer depends on earlier calls (a stand-in for a framework cache keyed on too
little, like TF 2.15's oneDNN pooling primitives).

max_pool caches its result by input shape alone and returns the cached result for a later input of the
same shape; everything else is the reference.
"""

import numpy as np

import reference
from reference import avg_pool, output_size  # noqa: F401  (provided unchanged, so those tests run)

_CACHE: dict[tuple[tuple[int, ...], str], np.ndarray] = {}


def max_pool(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    key = (input.shape, input.dtype.str)
    if key not in _CACHE:
        _CACHE[key] = reference.max_pool(input, kernel_size, stride, padding, dilation, ceil_mode)
    return _CACHE[key]
